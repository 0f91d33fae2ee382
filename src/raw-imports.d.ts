// Templates are imported as text: by Vite's `?raw` in tests, by an esbuild plugin in the build.
declare module "*.hbs?raw" {
  const source: string;
  export default source;
}
