/** Options every parser takes. */
export interface ParseOptions {
  /** Name of the file the text came from (used for titles and ids when the text names none). */
  fileName: string;
}
