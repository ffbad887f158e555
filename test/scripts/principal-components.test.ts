import { describe, expect, test } from 'vitest';
import { principalComponents, project, symmetricEigen } from '../../scripts/distill/principal-components.js';

describe('principal components for the distillation', () => {
  test('symmetricEigen: A·v = λ·v for every pair, on a dense symmetric matrix', () => {
    const n = 6;
    const matrix = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) matrix[i * n + j] = matrix[j * n + i] = Math.sin(i * 7 + j * 3) + (i === j ? 3 : 0);
    const { values, vectors } = symmetricEigen(matrix, n);
    for (let column = 0; column < n; column++) {
      for (let row = 0; row < n; row++) {
        let product = 0;
        for (let k = 0; k < n; k++) product += matrix[row * n + k]! * vectors[k * n + column]!;
        expect(product).toBeCloseTo(values[column]! * vectors[row * n + column]!, 9);
      }
    }
  });

  test('finds the direction points spread along, best first, with a fixed sign, and projects onto it', () => {
    // Points along (3, 4)/5, each step once a little either side across it, (−4, 3)/5; centred on (10, −2).
    const rows: number[] = [];
    for (let along = -10; along <= 10; along++) {
      for (const across of [-0.1, 0.1]) rows.push(10 + (3 * along - 4 * across) / 5, -2 + (4 * along + 3 * across) / 5);
    }
    const pca = principalComponents({ rows: Float64Array.from(rows), count: rows.length / 2, width: 2, components: 2 });
    expect(pca.directions[0]).toBeCloseTo(0.6, 6);
    expect(pca.directions[1]).toBeCloseTo(0.8, 6);
    expect(pca.variances[0]!).toBeGreaterThan(pca.variances[1]! * 100);
    expect(pca.variances[0]! + pca.variances[1]!).toBeCloseTo(pca.totalVariance, 9);
    expect(Array.from(pca.mean)).toStrictEqual([expect.closeTo(10, 9), expect.closeTo(-2, 9)]);
    const [first] = project(pca, [10 + 3, -2 + 4]);
    expect(first).toBeCloseTo(5, 6);
  });

  test('refuses more components than the rows are wide', () => {
    expect(() => principalComponents({ rows: new Float64Array(4), count: 2, width: 2, components: 3 })).toThrow(
      'components must be 1..2 (got 3).',
    );
  });
});
