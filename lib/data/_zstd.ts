/**
 * Zstandard through `node:zlib` (built into Deno), shared by the Parquet reader and writer.
 *
 * @module
 */

import zlib from "node:zlib";

const LEVEL = 1;

/** Compresses `input` with zstd at a fast level (Parquet pages are already columnar). */
export function zstdCompress(input: Uint8Array): Uint8Array {
  const out = zlib.zstdCompressSync(input, {
    params: { [zlib.constants.ZSTD_c_compressionLevel]: LEVEL },
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Decompresses a zstd frame; `expectedLength` is checked so a corrupt page fails loudly. */
export function zstdDecompress(input: Uint8Array, expectedLength: number): Uint8Array {
  // One output buffer a byte larger than the page: with node's default 16 KiB chunks an 800 KB
  // page was 50 buffers concatenated into a 51st (a copy and ~12 % of the decompression time),
  // and an exact fit makes zlib allocate one more chunk to learn that the frame ended.
  const out = zlib.zstdDecompressSync(input, { chunkSize: Math.max(64, expectedLength + 1) });
  if (out.byteLength !== expectedLength) {
    throw new RangeError(
      `zstd page decompressed to ${out.byteLength} bytes, expected ${expectedLength}`,
    );
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
