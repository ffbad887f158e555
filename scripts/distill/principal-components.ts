/**
 * Principal components of a set of row vectors, for distilling the static embedder: centre the rows,
 * take their covariance, and diagonalise it with cyclic Jacobi rotations. Jacobi is slow for big
 * matrices (O(n³) a sweep) but a 512×512 covariance takes seconds, and it is simple, exact to float
 * precision and deterministic: the same rows give the same components on every run.
 */

export interface PrincipalComponents {
  /** Mean of the rows (`width` values), subtracted before projecting. */
  mean: Float64Array;
  /**
   * The first `components` directions, best first, each `width` values long, back to back. Each one's
   * largest-magnitude entry is positive, so the signs (arbitrary for an eigenvector) are fixed too.
   */
  directions: Float64Array;
  /** Variance of the rows along each direction, descending. */
  variances: Float64Array;
  /** Sum of the variances of every direction (the covariance's trace), to report the share kept. */
  totalVariance: number;
  width: number;
  components: number;
}

/**
 * Computes the first `components` principal directions of `rows` (`count × width` values back to back).
 * @throws Error when `components` is not in 1..width or there are fewer than two rows.
 */
export function principalComponents(options: {
  rows: Float32Array | Float64Array;
  count: number;
  width: number;
  components: number;
}): PrincipalComponents {
  const { rows, count, width, components } = options;
  if (!Number.isInteger(components) || components < 1 || components > width) {
    throw new Error(`components must be 1..${width} (got ${components}).`);
  }
  if (count < 2 || rows.length !== count * width) throw new Error('Need at least two rows of the given width.');
  const mean = new Float64Array(width);
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < width; column++) mean[column]! += rows[row * width + column]!;
  }
  for (let column = 0; column < width; column++) mean[column]! /= count;

  const covariance = new Float64Array(width * width);
  const centred = new Float64Array(width);
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < width; column++) centred[column] = rows[row * width + column]! - mean[column]!;
    for (let i = 0; i < width; i++) {
      const value = centred[i]!;
      if (value === 0) continue;
      const offset = i * width;
      for (let j = i; j < width; j++) covariance[offset + j]! += value * centred[j]!;
    }
  }
  for (let i = 0; i < width; i++) {
    for (let j = i; j < width; j++) {
      const value = covariance[i * width + j]! / (count - 1);
      covariance[i * width + j] = value;
      covariance[j * width + i] = value;
    }
  }

  const { values, vectors } = symmetricEigen(covariance, width);
  const order = Array.from(values.keys()).sort((left, right) => values[right]! - values[left]! || left - right);
  const directions = new Float64Array(components * width);
  const variances = new Float64Array(components);
  order.slice(0, components).forEach((source, rank) => {
    variances[rank] = values[source]!;
    let largest = 0;
    for (let k = 0; k < width; k++) {
      const value = vectors[k * width + source]!;
      if (Math.abs(value) > Math.abs(largest)) largest = value;
    }
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < width; k++) directions[rank * width + k] = sign * vectors[k * width + source]!;
  });
  let totalVariance = 0;
  for (let i = 0; i < width; i++) totalVariance += covariance[i * width + i]!;
  return { mean, directions, variances, totalVariance, width, components };
}

/** `row − mean` projected on each direction: `components` values. */
export function project(pca: PrincipalComponents, row: ArrayLike<number>): Float64Array {
  const projected = new Float64Array(pca.components);
  for (let component = 0; component < pca.components; component++) {
    let sum = 0;
    const offset = component * pca.width;
    for (let k = 0; k < pca.width; k++) sum += (row[k]! - pca.mean[k]!) * pca.directions[offset + k]!;
    projected[component] = sum;
  }
  return projected;
}

/**
 * Eigenvalues and eigenvectors (columns of `vectors`, row-major `n × n`) of a symmetric matrix, by cyclic
 * Jacobi rotations until the off-diagonal mass is negligible next to the diagonal's.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    let diagonal = 0;
    for (let i = 0; i < n; i++) {
      diagonal += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) offDiagonal += a[i * n + j]! ** 2;
    }
    if (offDiagonal <= 1e-24 * diagonal || offDiagonal === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // Rotate so the (p, q) entry becomes 0, taking the smaller of the two angles that do it.
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const kp = a[k * n + p]!;
          const kq = a[k * n + q]!;
          a[k * n + p] = c * kp - s * kq;
          a[k * n + q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = a[p * n + k]!;
          const qk = a[q * n + k]!;
          a[p * n + k] = c * pk - s * qk;
          a[q * n + k] = s * pk + c * qk;
        }
        for (let k = 0; k < n; k++) {
          const kp = v[k * n + p]!;
          const kq = v[k * n + q]!;
          v[k * n + p] = c * kp - s * kq;
          v[k * n + q] = s * kp + c * kq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}
