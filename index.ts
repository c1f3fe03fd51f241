/**
 * The package's entry point: the components of the cross-language Pulumi
 * package (`provider/`). The TypeScript components that take a typed `Site`
 * are `repower/components`; the model is `repower/model`.
 */
export * from "./provider";
