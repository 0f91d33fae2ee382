// lvsc's version, printed by --version and in generated headers; test/cli.test.ts keeps it equal to package.json.
export const VERSION = "0.1.0";
