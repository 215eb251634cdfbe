// What every handler needs: the state, the emulator's base URL and its signing keys.
import type { State } from './state';
import type { Signer } from './jwt';

export interface Core {
  state: State;
  /** https://127.0.0.1:PORT */
  url: string;
  signer: Signer;
  federated: Signer;
  federatedIssuer: string;
}
