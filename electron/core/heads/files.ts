// File and tensor names of the trained heads, shared by the exporter, the runtime and the worker.
export const HEADS_FILE = 'item-heads.onnx';
export const HEADS_METRICS_FILE = 'metrics.json';
/** Names of the ONNX graph's input and outputs. */
export const HEADS_IO = { input: 'embedding', centre: 'centre_embedding', fine: 'fine_probs', coarse: 'coarse_probs', hash: 'hash_logits' } as const;
