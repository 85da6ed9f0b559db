import type { ModelSignature } from '../../model/src/contract';

/** What the core needs to know about the model: its identity, input features and output classes. */
export type ModelDescription = Pick<ModelSignature, 'run_id' | 'model_name' | 'features' | 'classes'>;
