// The validator's old entry point, kept for its importers: validation lives in src/validate/
// (index.ts maps each directive to the file that checks it).

export { SUGGESTED, validate, type ValidateOptions, type ValidateResult } from "./validate/index.js";
