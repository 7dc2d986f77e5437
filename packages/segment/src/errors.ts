/** Raised when a segment's bytes or metadata do not match Pinot's format. */
export class SegmentFormatError extends Error {
  override readonly name = 'SegmentFormatError';
}

/** Raised for segment features this reader does not implement yet. */
export class SegmentUnsupportedError extends Error {
  override readonly name = 'SegmentUnsupportedError';
}
