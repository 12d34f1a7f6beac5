// zod compiles object parsers with `new Function` where the page allows eval, and probes for
// that once per realm (a `new Function("")` the Content-Security-Policy refuses and reports).
// The interface never allows eval: tell zod so up front, in the window and in the worker,
// so that it uses its interpreter from the start and nothing is refused.
import * as z from 'zod';

z.config({ jitless: true });
