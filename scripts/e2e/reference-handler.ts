/**
 * The original service's design, kept only as the load benchmark's baseline: for each record of the event, in order,
 * decode it, score its one row, and write its prediction with one awaited `PutRecord`. It uses our decoder, encoder and
 * ONNX session, and skips validation, so its cost is a lower bound of that design; its prediction events are the
 * same bytes ours writes, so the same ledger accounts for both.
 */
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { ReadyModel } from '../../functions/adapters/modelLoader';
import { decodeRecord } from '../../functions/core/decode';
import { createPredictionEncoder, type PredictionEncoder } from '../../functions/core/encode';
import type { KinesisHandler } from '../poller';

export interface RecordAtATimeOptions {
  readonly loadModel: () => Promise<ReadyModel>;
  readonly client: KinesisClient;
  readonly streamName: string;
}

/**
 * Builds the record-at-a-time handler. A write that fails throws, failing the whole batch (that design had no partial
 * batch response); a record that does not decode is skipped.
 */
export function createRecordAtATimeHandler(options: RecordAtATimeOptions): KinesisHandler {
  const encoders = new WeakMap<ReadyModel, PredictionEncoder>();
  return async (event) => {
    const model = await options.loadModel();
    let encode = encoders.get(model);
    if (!encode) {
      encode = createPredictionEncoder(model.signature);
      encoders.set(model, encode);
    }
    const { features } = model.signature;
    for (const record of event.Records) {
      const decoded = decodeRecord(record.kinesis.data);
      if (!decoded.ok) continue;
      const payload = decoded.value as {
        wine_features?: Record<string, number>;
        customer_id?: number | string;
      };
      const row = Float32Array.from(features, (name) => payload.wine_features?.[name] ?? Number.NaN);
      const scores = await model.scorer.score({ data: row, rows: 1, columns: features.length });
      const source = {
        shard_id: record.eventID.split(':')[0] ?? '',
        sequence_number: record.kinesis.sequenceNumber,
        partition_key: record.kinesis.partitionKey,
      };
      const prediction = encode(0, scores.labels, scores.probabilities, source, payload.customer_id);
      await options.client.send(
        new PutRecordCommand({
          StreamName: options.streamName,
          Data: Buffer.from(JSON.stringify(prediction), 'utf8'),
          PartitionKey: record.kinesis.partitionKey,
        }),
      );
    }
  };
}
