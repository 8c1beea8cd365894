// Generates tests/testdata/indicators/talib_reference.json with real TA-Lib.
//
// Run by hand with Node and the `talib` npm package (TA-Lib's C code behind a Node binding);
// never run in CI and never a dependency of the project. See
// tests/testdata/indicators/README.md for the exact steps, in short:
//
//   mkdir /tmp/talibref && cd /tmp/talibref && npm init -y
//   npm install talib@2.0.5 --ignore-scripts
//   (cd node_modules/talib && node src/lib/clean.js && rm -rf build)
//   npm rebuild talib
//   cd /work/main && node tools/talib_reference.mjs /tmp/talibref
//
// The single argument is the directory whose node_modules holds the built `talib`.

import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const talibHome = process.argv[2];
if (talibHome === undefined) {
  console.error("usage: node tools/talib_reference.mjs <dir with node_modules/talib>");
  process.exit(2);
}
const talib = createRequire(join(talibHome, "index.js"))("talib");
const talibPackage = JSON.parse(
  readFileSync(join(talibHome, "node_modules", "talib", "package.json"), "utf8"),
);

const dataDir = new URL("../tests/testdata/indicators/", import.meta.url);
const csvName = "btcusdt_1m_sample.csv";
const lines = readFileSync(new URL(csvName, dataDir), "utf8").trim().split(/\r?\n/);
const header = lines[0].split(",");
const column = (name) => {
  const index = header.indexOf(name);
  return lines.slice(1).map((line) => Number(line.split(",")[index]));
};
for (const name of ["high", "low", "close", "volume"]) {
  if (!header.includes(name)) throw new Error(`${csvName}: no column ${name}`);
}
const high = column("high");
const low = column("low");
const close = column("close");
const volume = column("volume");

/** Each case: TA-Lib function, its inputs by TA-Lib name, its optional inputs. */
const cases = [
  ["SMA", { inReal: close }, { optInTimePeriod: 5 }],
  ["SMA", { inReal: close }, { optInTimePeriod: 20 }],
  ["EMA", { inReal: close }, { optInTimePeriod: 10 }],
  ["EMA", { inReal: close }, { optInTimePeriod: 20 }],
  ["WMA", { inReal: close }, { optInTimePeriod: 20 }],
  ["DEMA", { inReal: close }, { optInTimePeriod: 10 }],
  ["TEMA", { inReal: close }, { optInTimePeriod: 10 }],
  ["RSI", { inReal: close }, { optInTimePeriod: 14 }],
  ["RSI", { inReal: close }, { optInTimePeriod: 5 }],
  ["MACD", { inReal: close }, { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }],
  ["MACD", { inReal: close }, { optInFastPeriod: 5, optInSlowPeriod: 13, optInSignalPeriod: 4 }],
  ["BBANDS", { inReal: close }, {
    optInTimePeriod: 20,
    optInNbDevUp: 2,
    optInNbDevDn: 2,
    optInMAType: 0,
  }],
  ["STDDEV", { inReal: close }, { optInTimePeriod: 20, optInNbDev: 1 }],
  ["STDDEV", { inReal: close }, { optInTimePeriod: 5, optInNbDev: 1 }],
  ["ATR", { high, low, close }, { optInTimePeriod: 14 }],
  ["TRANGE", { high, low, close }, {}],
  ["STOCH", { high, low, close }, {
    optInFastK_Period: 14,
    optInSlowK_Period: 3,
    optInSlowK_MAType: 0,
    optInSlowD_Period: 3,
    optInSlowD_MAType: 0,
  }],
  ["STOCH", { high, low, close }, {
    optInFastK_Period: 5,
    optInSlowK_Period: 3,
    optInSlowK_MAType: 0,
    optInSlowD_Period: 4,
    optInSlowD_MAType: 0,
  }],
  ["ROC", { inReal: close }, { optInTimePeriod: 10 }],
  ["OBV", { inReal: close, volume }, {}],
  ["MIN", { inReal: low }, { optInTimePeriod: 20 }],
  ["MAX", { inReal: high }, { optInTimePeriod: 20 }],
  ["CORREL", { inReal0: close, inReal1: volume }, { optInTimePeriod: 30 }],
  ["CORREL", { inReal0: high, inReal1: low }, { optInTimePeriod: 10 }],
  ["LINEARREG_SLOPE", { inReal: close }, { optInTimePeriod: 14 }],
];

const results = cases.map(([name, inputs, options]) => {
  const result = talib.execute({
    name,
    startIdx: 0,
    endIdx: close.length - 1,
    ...inputs,
    ...options,
  });
  if (result.error !== undefined) throw new Error(`${name}: ${result.error}`);
  for (const [output, values] of Object.entries(result.result)) {
    if (!values.every(Number.isFinite)) throw new Error(`${name}: non-finite ${output}`);
  }
  const inputNames = Object.fromEntries(
    Object.entries(inputs).map(([key, series]) => [key, seriesName(series)]),
  );
  return {
    function: name,
    inputs: inputNames,
    options,
    begIndex: result.begIndex,
    nbElement: result.nbElement,
    outputs: result.result,
  };
});

function seriesName(series) {
  if (series === high) return "high";
  if (series === low) return "low";
  if (series === close) return "close";
  if (series === volume) return "volume";
  throw new Error("unknown series");
}

const document = {
  generator: "tools/talib_reference.mjs",
  talib: `npm talib@${talibPackage.version} (TA-Lib C ${talib.version})`,
  input: `${csvName} (${close.length} bars)`,
  cases: results,
};
writeFileSync(new URL("talib_reference.json", dataDir), JSON.stringify(document, null, 1) + "\n");
console.log(`wrote ${results.length} cases`);
