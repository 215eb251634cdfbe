// The --login values, in Azure/kubelogin's order (its error message and --help list them so). Each
// has a descriptor in login/modes/ (registered in login/select.ts, which the compiler holds to this list).
export const LOGIN_METHODS = ['devicecode', 'interactive', 'spn', 'ropc', 'msi', 'azurecli', 'azd', 'workloadidentity', 'azurepipelines'] as const;

export type LoginMethod = (typeof LOGIN_METHODS)[number];
