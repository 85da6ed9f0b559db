/** Renders `MODEL_CARD.md`: a human summary of a run, generated from its metrics so the two never disagree. */
import type { ModelSignature } from './contract';
import type { ForestKind } from './forest/types';
import type { RunMetrics } from './pipeline';

const pct = (value: number): string => `${(value * 100).toFixed(1)} %`;
const KIND_NAMES: Readonly<Record<ForestKind, string>> = {
  'random-forest': 'random forest',
  'extra-trees': 'extra-trees ensemble',
};

/** The model card of a run (Markdown). Deterministic: the same metrics give the same text. */
export function renderModelCard(metrics: RunMetrics, signature: ModelSignature): string {
  const p = metrics.training_params;
  const cv = metrics.cross_validation;
  const t = metrics.test;
  const perClass = t.per_class
    .map(
      (c) =>
        `| ${c.label} | ${c.support} | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} | ${c.f1.toFixed(3)} |`,
    )
    .join('\n');
  const labels = t.confusion_matrix.labels;
  const confusion = t.confusion_matrix.matrix
    .map((row, i) => `| **${labels[i]}** | ${row.join(' | ')} |`)
    .join('\n');
  const selected = JSON.stringify(cv.selected.params);
  const candidates = cv.candidates
    .map((c) => {
      const note =
        JSON.stringify(c.params) === selected
          ? '**selected**'
          : c.estimated_bytes > cv.budget.max_bytes
            ? 'over budget'
            : '';
      return (
        `| ${c.params.kind} | ${c.params.trees} | ${c.params.max_features} | ${c.params.min_leaf} | ` +
        `${c.mean.toFixed(3)} ± ${c.sd.toFixed(3)} | ${(c.estimated_bytes / 1e6).toFixed(1)} | ${note} |`
      );
    })
    .join('\n');
  return `# Model card: ${signature.model_name}, run \`${metrics.run_id}\`

Predicts the sensory quality score (${metrics.classes.join(', ')}) of a Portuguese *vinho verde* white wine from
${metrics.features.length} physico-chemical measurements.

Feature set \`${metrics.feature_set}\`. Input tensor columns, in order: ${metrics.features.map((f) => `\`${f}\``).join(', ')}.

## Data

UCI Wine Quality, white wine: \`${metrics.data.file}\` (${metrics.data.rows} rows, SHA-256
\`${metrics.data.sha256}\`). P. Cortez, A. Cerdeira, F. Almeida, T. Matos and J. Reis, *Modeling wine preferences by
data mining from physicochemical properties*, Decision Support Systems 47(4):547–553, 2009. Licence CC BY 4.0.

Stratified ${pct(1 - metrics.split.test_fraction)} / ${pct(metrics.split.test_fraction)} split with seed
${metrics.split.seed}: ${metrics.split.train_rows} training rows, ${metrics.split.test_rows} test rows (their indices
are in \`metrics.json\`).

## Model

A ${KIND_NAMES[p.kind]} of ${p.trees} CART trees (Gini impurity, grown until a leaf is pure or cannot be split
into two parts of at least ${p.min_leaf} sample${p.min_leaf === 1 ? '' : 's'}, ${p.max_features} candidate feature${p.max_features === 1 ? '' : 's'} per split), trained in TypeScript by this repository's \`model/src/forest\`. Split
thresholds are float32 values, and the ONNX export (\`ai.onnx.ml\` TreeEnsembleClassifier, opset
${signature.onnx.ml_opset}; outputs \`${signature.onnx.label}\` and \`${signature.onnx.probabilities}\`) reproduces the
in-memory model: on the ${metrics.parity.rows} test rows ${metrics.parity.label_mismatches} labels differ and the largest
probability difference is ${metrics.parity.max_probability_difference}. File: ${(metrics.model.bytes / 1e6).toFixed(2)} MB,
${metrics.model.nodes} nodes.

Hyperparameters were chosen by ${cv.folds}-fold stratified cross-validation on the training part: the best mean
accuracy (± sample standard deviation over folds) among the candidates whose estimated file fits the
${(cv.budget.max_bytes / 1e6).toFixed(0)} MB budget.

| kind | trees | max features | min leaf | CV accuracy | est. MB | |
|---|---|---|---|---|---|---|
${candidates}

## Test results (${metrics.split.test_rows} held-out rows)

Accuracy (exact class) **${t.accuracy.toFixed(3)}**, macro-F1 ${t.macro_f1.toFixed(3)}. One standard error of the
accuracy on this many rows is about ${(Math.sqrt((t.accuracy * (1 - t.accuracy)) / metrics.split.test_rows) * 100).toFixed(1)} points.

| quality | support | precision | recall | F1 |
|---|---|---|---|---|
${perClass}

Confusion matrix (rows: true quality, columns: predicted):

| | ${labels.join(' | ')} |
|---|${labels.map(() => '---').join('|')}|
${confusion}

## Limits

- Trained on white wines only; red wines (\`winequality-red.csv\`) differ chemically and are out of scope.
- Quality is a median of at least three tasters' scores: neighbouring scores are often confused, and the rare extremes
  (3 and 9) are seldom predicted.
- The UCI file repeats rows: ${metrics.split.test_rows_repeating_train_rows} of the ${metrics.split.test_rows} test rows
  (${pct(metrics.split.test_rows_repeating_train_rows / metrics.split.test_rows)}) are identical to a training row, which
  flatters any memorising learner (such as fully grown trees) compared with genuinely new wines.
- Inputs must be finite, non-negative numbers in the units of the UCI data; the model has no notion of out-of-range
  values. \`reference.json\` holds the training distribution for drift monitoring.
`;
}
