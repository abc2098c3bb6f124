/**
 * `await using` calls `[Symbol.asyncDispose]`. Node 20 defines the symbol, but older browsers do not, and
 * a class would then define a method literally named "undefined". esbuild's and TypeScript's lowered
 * `await using` fall back to `Symbol.for('Symbol.asyncDispose')`, so we install that same symbol.
 */
const S = Symbol as { asyncDispose?: symbol; dispose?: symbol };
S.asyncDispose ??= Symbol.for('Symbol.asyncDispose');
S.dispose ??= Symbol.for('Symbol.dispose');
