// The `process` the npm assert/util ports read (deprecation flags, the terminal width of a diff)
// where there is none: esbuild injects this for the free `process` identifier in the browser bundle.
export const process = { env: {} as Record<string, string | undefined>, noDeprecation: true, stderr: undefined };
