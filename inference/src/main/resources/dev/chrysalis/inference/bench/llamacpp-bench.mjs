// Peer measurement for `chrysalis bench inference`: llama.cpp (CPU build shipped by node-llama-cpp)
// on the same GGUF file, same prompt tokens, same thread count. Prints one JSON line.
// usage: node llamacpp-bench.mjs MODEL THREADS PROMPT_IDS(comma list) GEN_TOKENS RUNS
import {getLlama} from "node-llama-cpp";

const [modelPath, threadsArg, promptArg, genArg, runsArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const prompt = promptArg.split(",").map(Number);
const gen = Number(genArg);
const runs = Number(runsArg);

const llama = await getLlama({gpu: false, build: "never", usePrebuiltBinaries: true, skipDownload: true,
    maxThreads: threads, logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0, useMmap: true});
const context = await model.createContext({contextSize: Math.max(512, prompt.length + gen + 8),
    batchSize: Math.max(prompt.length, 1), threads: {ideal: threads, min: threads}, sequences: 1});
const seq = context.getSequence();
let bestPrefill = 0, bestDecode = 0;
for (let r = 0; r < runs; r++) {
    await seq.clearHistory();
    const t0 = process.hrtime.bigint();
    await seq.evaluateWithoutGeneratingNewTokens(prompt);
    const t1 = process.hrtime.bigint();
    let n = 0;
    let t2 = 0n;
    const it = seq.evaluate([prompt[prompt.length - 1]], {temperature: 0});
    for await (const tok of it) {
        n++;
        if (n === 1) t2 = process.hrtime.bigint();
        if (n >= gen + 1) break;
    }
    const t3 = process.hrtime.bigint();
    const prefill = prompt.length / (Number(t1 - t0) / 1e9);
    const decode = (n - 1) / (Number(t3 - t2) / 1e9);
    bestPrefill = Math.max(bestPrefill, prefill);
    bestDecode = Math.max(bestDecode, decode);
}
console.log(JSON.stringify({engine: "llama.cpp (node-llama-cpp 3.22.1, CPU)", threads, prefill_tps: bestPrefill,
    decode_tps: bestDecode}));
await context.dispose();
await model.dispose();
await llama.dispose();
