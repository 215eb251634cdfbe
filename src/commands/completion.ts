// `kubelogin completion bash|zsh|fish|powershell` prints a script; the script asks
// `kubelogin __complete --current=<word> <words before it…>` (src/cli/complete.ts) on every TAB, so the
// candidates always follow this binary's commands and flags. Contexts come from the kubeconfig the
// command line names (or $KUBECONFIG, ~/.kube/config), read like every other command reads it.
import { homedir } from 'node:os';
import type { Env } from '../cli/env';
import { complete, formatCandidates } from '../cli/complete';
import { isMap } from '../kube/kubeconfig-model';
import { loadKubeconfigFiles } from '../kube/kubeconfig';

/** Runs one completion request; never fails (a TAB must not print errors into the prompt). */
export function completeCommand(args: string[], env: Env): string {
  const first = /^--current=([\s\S]*)$/.exec(args[0] ?? '');
  const words = first ? [...args.slice(1), first[1]] : args;
  try {
    return formatCandidates(complete(words, (kubeconfig) => contextNames(kubeconfig, env)));
  } catch {
    return '';
  }
}

function contextNames(kubeconfig: string | undefined, env: Env): string[] {
  try {
    const files = loadKubeconfigFiles({ explicit: kubeconfig, kubeconfigEnv: env.KUBECONFIG, home: env.HOME || homedir() });
    const entries = files.flatMap((f): unknown[] => (Array.isArray(f.doc.contexts) ? (f.doc.contexts as unknown[]) : []));
    const names = entries.map((c) => (isMap(c) && typeof c.name === 'string' ? c.name : '')).filter(Boolean);
    return [...new Set(names)];
  } catch {
    return [];
  }
}

export function completionScript(shell: string): string {
  const script = SCRIPTS[shell];
  if (!script) throw new Error(`no completion script for ${shell}`);
  return script;
}

// Template literals: `\${` and `\\` below are the scripts' own `${` and `\`.
const BASH = `# bash completion for kubelogin. Load it with:
#   source <(kubelogin completion bash)
# or save it as /etc/bash_completion.d/kubelogin (or ~/.local/share/bash-completion/completions/kubelogin).
_kubelogin() {
    local i w joined=0 out line text
    local -a words=()
    # bash splits "--flag=value" at "=" (COMP_WORDBREAKS): join the pieces back.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        w=\${COMP_WORDS[i]}
        if [[ $w == "=" && \${#words[@]} -gt 0 && $joined == 0 ]]; then
            words[\${#words[@]}-1]+="="; joined=1; continue
        fi
        if [[ $joined == 1 ]]; then
            words[\${#words[@]}-1]+=$w; joined=0; continue
        fi
        words+=("$w")
    done
    local cur=\${words[\${#words[@]}-1]}
    out=$("\${COMP_WORDS[0]}" __complete "--current=$cur" "\${words[@]:0:\${#words[@]}-1}" 2>/dev/null) || return 0
    # Readline completes only the text after the last "=" of "--flag=value".
    text=$cur
    [[ $cur == *=* && $COMP_WORDBREAKS == *=* ]] && text=\${cur#*=}
    COMPREPLY=()
    if [[ $out == ":files" ]]; then
        compopt -o filenames 2>/dev/null
        while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -f -- "$text")
        return 0
    fi
    while IFS= read -r line; do
        [[ -z $line ]] && continue
        line=\${line%%$'\\t'*}
        [[ $cur == *=* && $COMP_WORDBREAKS == *=* ]] && line=\${line#*=}
        COMPREPLY+=("$line")
    done <<< "$out"
}
complete -F _kubelogin kubelogin
`;

const ZSH = `#compdef kubelogin
# zsh completion for kubelogin. Load it with:
#   source <(kubelogin completion zsh)      (after compinit)
# or save it as _kubelogin in a folder of $fpath.
_kubelogin() {
    local -a lines vals disp
    local line
    lines=("\${(@f)$("\${words[1]}" __complete "--current=\${words[CURRENT]}" "\${(@)words[2,CURRENT-1]}" 2>/dev/null)}")
    if [[ \${lines[1]} == ":files" ]]; then
        [[ \${words[CURRENT]} == -*=* ]] && compset -P '*='
        _files
        return
    fi
    for line in "\${lines[@]}"; do
        [[ -z $line ]] && continue
        vals+=("\${line%%$'\\t'*}")
        if [[ $line == *$'\\t'* ]]; then disp+=("\${line%%$'\\t'*}  -- \${line#*$'\\t'}"); else disp+=("$line"); fi
    done
    (( \${#vals} )) && compadd -l -d disp -Q -- "\${vals[@]}"
}
if [[ "\${funcstack[1]}" == "_kubelogin" ]]; then
    _kubelogin "$@"
else
    compdef _kubelogin kubelogin
fi
`;

const FISH = `# fish completion for kubelogin. Load it with:
#   kubelogin completion fish | source
# or save it as ~/.config/fish/completions/kubelogin.fish.
function __kubelogin_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($tokens[1] __complete --current=$current $tokens[2..-1] 2>/dev/null)
    if test "$out" = ":files"
        set -l prefix (string match -r -- '^--[^=]*=' $current)
        for path in (__fish_complete_path (string replace -r -- '^--[^=]*=' '' $current))
            echo "$prefix$path"
        end
        return
    end
    printf '%s\\n' $out
end
complete -c kubelogin -f -a '(__kubelogin_complete)'
`;

const POWERSHELL = `# PowerShell completion for kubelogin. Load it with:
#   kubelogin completion powershell | Out-String | Invoke-Expression
# or add that line to $PROFILE.
Register-ArgumentCompleter -Native -CommandName 'kubelogin', 'kubelogin.exe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $elements = @($commandAst.CommandElements | Where-Object { $_.Extent.StartOffset -lt $cursorPosition } | ForEach-Object { $_.Extent.Text })
    $program = $elements[0]
    $done = @($elements | Select-Object -Skip 1)
    if ($wordToComplete -ne '' -and $done.Count -gt 0) { $done = @($done | Select-Object -SkipLast 1) }
    $out = @(& $program __complete "--current=$wordToComplete" @done 2>$null)
    if ($out.Count -eq 1 -and $out[0] -eq ':files') {
        $prefix = if ($wordToComplete -match '^--[^=]*=') { $Matches[0] } else { '' }
        $path = $wordToComplete.Substring($prefix.Length)
        Get-ChildItem -Path "$path*" -ErrorAction SilentlyContinue | ForEach-Object {
            [System.Management.Automation.CompletionResult]::new("$prefix$($_.Name)", $_.Name, 'ProviderItem', $_.FullName)
        }
        return
    }
    foreach ($line in $out) {
        if (-not $line) { continue }
        $parts = $line -split "\`t", 2
        $tip = if ($parts.Count -gt 1) { $parts[1] } else { $parts[0] }
        [System.Management.Automation.CompletionResult]::new($parts[0], $parts[0], 'ParameterValue', $tip)
    }
}
`;

const SCRIPTS: Record<string, string> = { bash: BASH, zsh: ZSH, fish: FISH, powershell: POWERSHELL };
