/** The package's version, put in by the build (web/vite.config.ts): the default producer version of "New from ONNX". */
declare const __FNNX_KIT_VERSION__: string;
