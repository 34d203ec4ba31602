/**
 * The slice of the WebAssembly JS API that the SIMD kernels and the compiled inference
 * engine (src/inference/compiled/, when tests run it in Node) use. The project compiles
 * against lib ES2023 and @types/node 22, neither of which declares it (lib.dom does,
 * but the trainer is not a browser program); Node has had all of it since v8.
 */
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number });
      readonly buffer: ArrayBuffer;
      grow(pages: number): number;
    }
    class Global {
      readonly value: unknown;
    }
    class Instance {
      constructor(module: Module, imports: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
  }
}

export {};
