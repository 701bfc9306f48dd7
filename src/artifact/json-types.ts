/** A parsed JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object: what a root document is once readArtifact has checked its JSON type. */
export type JsonObject = { [key: string]: Json };
