// AssemblyScript transform: a contract module may have no start function (docs/vm.md), but
// AssemblyScript puts the initialisation of globals (the stub runtime's heap offset, any
// top-level code) into one. asconfig.json builds with `--exportStart __wcme_start`, so the
// start function is exported instead of run; this transform makes `deploy` and `call` run it
// first and drops the export. Every execution instantiates the module afresh and runs one
// entry, so this is what a start function would have done.
const START_EXPORT = "__wcme_start";
const ENTRIES = ["deploy", "call"];

export default class NoStart {
  afterCompile(module) {
    const binaryen = this.binaryen;
    const startExport = module.getExport(START_EXPORT);
    if (!startExport) return;
    const start = binaryen.getExportInfo(startExport).value;
    for (const entry of ENTRIES) {
      const ref = module.getExport(entry);
      if (!ref) throw new Error(`the contract must export function '${entry}'`);
      const info = binaryen.getExportInfo(ref);
      if (info.kind !== binaryen.ExternalFunction) {
        throw new Error(`export '${entry}' must be a function`);
      }
      const func = module.getFunction(info.value);
      const body = binaryen.Function.getBody(func);
      binaryen.Function.setBody(
        func,
        module.block(null, [module.call(start, [], binaryen.none), body], binaryen.none),
      );
    }
    module.removeExport(START_EXPORT);
  }
}
