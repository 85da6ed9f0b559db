/** Input records built from the UCI white-wine CSV, in the producer format of docs/contract.md §1. */
import { UCI_FEATURES } from '../../model/src/contract';
import type { WineTable } from '../../model';

export { loadWhiteWine } from '../../model';

/** The input record for one CSV row (0-based, header excluded), with the given features in the given order. */
export function wineRecord(
  table: WineTable,
  row: number,
  features: readonly string[] = UCI_FEATURES,
  customerId: number | string = row,
): { wine_features: Record<string, number>; customer_id: number | string } {
  if (!Number.isInteger(row) || row < 0 || row >= table.rows) {
    throw new RangeError(`row ${row} is outside ${table.file} (rows 0–${table.rows - 1})`);
  }
  const wineFeatures: Record<string, number> = {};
  for (const name of features) {
    const column = table.columns[name as keyof WineTable['columns']] as Float64Array | undefined;
    if (!column) throw new Error(`${name} is not a UCI feature`);
    wineFeatures[name] = column[row] ?? Number.NaN;
  }
  return { wine_features: wineFeatures, customer_id: customerId };
}

/**
 * The documented example record for a model (what `npm start` prints): row 0 of the white-wine CSV restricted to the model's features, customer
 * 123, written with a space after each colon and comma. For the 3-feature model it is exactly docs/contract.md §1:
 * `{"wine_features": {"alcohol": 8.8, "volatile acidity": 0.27, "sulphates": 0.45}, "customer_id": 123}`.
 */
export function exampleRecordJson(table: WineTable, features: readonly string[]): string {
  const record = wineRecord(table, 0, features, 123);
  const body = Object.entries(record.wine_features)
    .map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`)
    .join(', ');
  return `{"wine_features": {${body}}, "customer_id": ${JSON.stringify(record.customer_id)}}`;
}
