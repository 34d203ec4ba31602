/** A value of the request body and where it is, so that an error about it can carry its JSON pointer. */
export interface Located {
  /** The value as it arrived (a customer object, before validation). */
  record: unknown;
  /** Where it is in the body: `["customer"]` or `["customers", i]`. */
  path: (string | number)[];
}
