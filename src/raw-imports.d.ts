// Templates are imported as text: by Vite's `?raw` in tests, by an esbuild plugin in the build.
declare module "*.hbs?raw" {
  const source: string;
  export default source;
}
// The rc script's awk program, embedded verbatim (templates/rc/ipvs-plan.awk).
declare module "*.awk?raw" {
  const source: string;
  export default source;
}
