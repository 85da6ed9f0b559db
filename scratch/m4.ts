const line = Buffer.from('7.4;0.7;0;1.9;0.076;11;34;0.9978;3.51;0.56;9.4;5');
const want = [10, 1, 9];
function bench(name: string, f: () => unknown) { let t = performance.now(), n = 0; while (performance.now() - t < 1000) { for (let i = 0; i < 10000; i++) f(); n += 10000; } console.log(name, (1e9 / (n / ((performance.now() - t) / 1000)) ).toFixed(0), 'ns'); }
bench('toString', () => line.toString('utf8'));
bench('latin1', () => line.latin1Slice(0, line.length));
const s = line.toString();
bench('split', () => s.split(';'));
bench('walk', () => { const cells: string[] = []; let start = 0; for (let c = 0; c <= 10; c++) { let end = s.indexOf(';', start); if (end === -1) end = s.length; cells[c] = s.slice(start, end); start = end + 1; } return cells; });
const R = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
bench('regex+Number x4', () => { let x = 0; for (const c of ['9.4', '0.7', '0.56', '5']) { if (R.test(c.trim())) x += Number(c); } return x; });
bench('String(p)', () => String(0.563722));
bench('String(int)', () => String(563722));
