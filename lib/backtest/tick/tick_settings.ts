/**
 * Tick-run settings as a user gives them (names and milliseconds) resolved into the queue and
 * latency models, with one clear error per bad value. The CLI maps its flags onto
 * {@linkcode TickSettingsInput}; defaults live here.
 *
 * @module
 */

import { ConfigError, type Instrument } from "../../domain/mod.ts";
import { constantLatency, type LatencyModel, readLatencyFile } from "../../venues/tick/latency.ts";
import {
  QUEUE_MODELS,
  QUEUE_PROBABILITIES,
  type QueueModelOptions,
  type QueueProbability,
} from "../../venues/tick/queue_model.ts";

/** Tick settings in user units; every field is optional. */
export interface TickSettingsInput {
  /** `risk-averse` (default), `probabilistic` or `optimistic`. */
  readonly queueModel?: string;
  /** `power` (default), `power2` or `log`. */
  readonly queueProbability?: string;
  /** Exponent of the power functions (default 2). */
  readonly queueExponent?: number;
  /** Entry latency of every operation, ms (default 0). */
  readonly latencyMs?: number;
  /** Submit entry latency, ms. */
  readonly latencySubmitMs?: number;
  /** Amend entry latency, ms. */
  readonly latencyAmendMs?: number;
  /** Cancel entry latency, ms. */
  readonly latencyCancelMs?: number;
  /** Response latency, ms (default 0). */
  readonly latencyResponseMs?: number;
  /** Measured latency CSV (excludes the constant latencies). */
  readonly latencyFile?: string;
}

/** The resolved models. */
export interface ResolvedTickSettings {
  /** Queue model options. */
  readonly queueModel: QueueModelOptions;
  /** Order latency. */
  readonly latency: LatencyModel;
}

function micros(ms: number | undefined, name: string): number | undefined {
  if (ms === undefined) return undefined;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new ConfigError(`${name}: must be a number of milliseconds ≥ 0, got ${ms}`);
  }
  return Math.round(ms * 1000);
}

/**
 * Resolves the settings; reads the latency file when one is named.
 *
 * @throws {ConfigError} naming the setting for an unknown model, a bad number, or a latency
 * file combined with constant latencies; `DataError` for a bad latency file.
 */
export async function resolveTickSettings(
  input: TickSettingsInput,
): Promise<ResolvedTickSettings> {
  const kind = QUEUE_MODELS.find((m) => m === (input.queueModel ?? "risk-averse"));
  if (kind === undefined) {
    throw new ConfigError(
      `queue model "${input.queueModel}" is not one of ${QUEUE_MODELS.join(", ")}`,
    );
  }
  const probability: QueueProbability | undefined = input.queueProbability === undefined
    ? undefined
    : QUEUE_PROBABILITIES.find((p) => p === input.queueProbability);
  if (input.queueProbability !== undefined && probability === undefined) {
    throw new ConfigError(
      `queue probability "${input.queueProbability}" is not one of ${
        QUEUE_PROBABILITIES.join(", ")
      }`,
    );
  }
  const exponent = input.queueExponent;
  if (exponent !== undefined && !(exponent > 0)) {
    throw new ConfigError(`queue exponent must be positive, got ${exponent}`);
  }
  const constant = {
    entry: micros(input.latencyMs, "latency"),
    submit: micros(input.latencySubmitMs, "submit latency"),
    amend: micros(input.latencyAmendMs, "amend latency"),
    cancel: micros(input.latencyCancelMs, "cancel latency"),
    response: micros(input.latencyResponseMs, "response latency"),
  };
  let latency: LatencyModel;
  if (input.latencyFile !== undefined) {
    if (Object.values(constant).some((v) => v !== undefined)) {
      throw new ConfigError("a latency file excludes constant latencies; pass one or the other");
    }
    latency = await readLatencyFile(input.latencyFile);
  } else latency = constantLatency(constant);
  return {
    queueModel: {
      kind,
      ...(probability === undefined ? {} : { probability }),
      ...(exponent === undefined ? {} : { exponent }),
    },
    latency,
  };
}

/**
 * The currency a tick run reports in: the traded instruments' common settle currency (XBT for
 * BitMEX XBTUSD, an inverse contract), else `fallback`.
 */
export function tickReportingCurrency(traded: readonly Instrument[], fallback: string): string {
  const settles = new Set(traded.map((i) => i.settle));
  return settles.size === 1 ? [...settles][0] : fallback;
}
