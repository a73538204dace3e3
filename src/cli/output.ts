/** Where a command writes. `stdout.isTTY` decides colour and in-place redraws. */
export interface Output {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}
