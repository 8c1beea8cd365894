/**
 * Recordings as tick-mode sources: the files among `--lob-data` that are recordings are sniffed,
 * grouped by venue (from their `#meta` header, or for a capture without one from its first
 * frame, which a connector's codec recognizes), and each venue's files become one
 * {@linkcode RecordingTickSource} decoded by that connector's own parsers, receive time as
 * event time. The CLI passes the codecs, so this folder knows no venue.
 *
 * @module
 */

import { DataError } from "../../lib/domain/mod.ts";
import {
  type RecordingDecoder,
  type RecordingTickSource,
  recordingTickSource,
} from "../../lib/backtest/tick/mod.ts";
import { readRecordings, type RecordingSniff, sniffRecording } from "./reader.ts";

/** What a connector gives the replay: its venue, a recognizer, and fresh decoders. */
export interface RecordingCodec {
  /** The venue, as in recording headers (`bybit`, `binance`, `bitmex`). */
  readonly venue: string;
  /** Whether a capture without a header is this venue's, from its first frame's text. */
  recognizes(frame: string): boolean;
  /** A decoder with fresh state (books, sequence checks). */
  decoder(): RecordingDecoder;
}

/** The data files split into recordings (as sources) and the others (paths, in order). */
export interface RecordingSplit {
  /** One source per venue, over all of that venue's recording files. */
  readonly sources: readonly RecordingTickSource[];
  /** Files that are not recordings. */
  readonly others: readonly string[];
  /**
   * `receive` when every file is the recording of a live paper session with tick matching
   * (its header says `"venueClock":"receive"`): the replay then matches on receive times, as
   * that session did (docs/recording.md). Undefined otherwise.
   */
  readonly venueClock: "receive" | undefined;
}

function venueOf(sniff: RecordingSniff, codecs: readonly RecordingCodec[]): RecordingCodec {
  const known = codecs.map((c) => c.venue).join(", ");
  if (sniff.header !== undefined) {
    const codec = codecs.find((c) => c.venue === sniff.header?.venue);
    if (codec === undefined) {
      throw new DataError(
        `the recording is from venue "${sniff.header.venue}", which has no decoder`,
        {
          location: { file: sniff.path },
          hint: `recordings of ${known} can be replayed`,
        },
      );
    }
    return codec;
  }
  const frame = sniff.firstFrame;
  const codec = frame === undefined ? undefined : codecs.find((c) => c.recognizes(frame));
  if (codec === undefined) {
    throw new DataError("cannot tell which venue this capture is from", {
      location: { file: sniff.path },
      hint: `its first frame is not a ${known} message: ${(frame ?? "(none)").slice(0, 60)}`,
    });
  }
  return codec;
}

/**
 * Splits `paths` into recording sources and other files.
 *
 * @throws {DataError} for a recording of a venue without a codec, or unreadable files.
 */
export async function splitRecordings(
  paths: readonly string[],
  codecs: readonly RecordingCodec[],
): Promise<RecordingSplit> {
  const byVenue = new Map<RecordingCodec, RecordingSniff[]>();
  const others: string[] = [];
  let receive = paths.length > 0;
  for (const path of paths) {
    const sniff = await sniffRecording(path);
    if (sniff === undefined) {
      others.push(path);
      receive = false;
      continue;
    }
    if (sniff.header?.venueClock !== "receive") receive = false;
    const codec = venueOf(sniff, codecs);
    const files = byVenue.get(codec) ?? [];
    files.push(sniff);
    byVenue.set(codec, files);
  }
  const sources = [...byVenue].map(([codec, files]) =>
    recordingTickSource(
      files.map((f) => f.path).join(" + "),
      readRecordings(files),
      codec.decoder(),
    )
  );
  return { sources, others, venueClock: receive ? "receive" : undefined };
}
