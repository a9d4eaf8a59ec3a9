//! Validation of contract code, at upload and before compilation: size, WebAssembly validity
//! with the features contracts may use (no floats, SIMD, threads, memory64, multi-memory,
//! GC or exceptions), and the shape ABI version 1 requires — imports only of known `wcme_v1`
//! functions with their exact signatures, the exports `memory`, `deploy` and `call`, no start
//! function, one memory and at most one table within the limits.

use wasmparser::{
    BinaryReaderError, CompositeInnerType, ExternalKind, FuncValidatorAllocations, Parser, Payload,
    TypeRef, ValType, ValidPayload, Validator, WasmFeatures, types::TypesRef,
};

use crate::{
    abi::{self, ABI_MODULE, AbiType, EXPORT_MEMORY},
    config::VmConfig,
    error::CodeError,
    host::Entry,
};

/// The WebAssembly features contract code may use: the MVP without floats, plus mutable
/// globals, sign extension, multi-value, bulk memory and reference types (for the
/// `call_indirect` encoding compilers emit; `externref` stays out, GC types are off).
pub(crate) fn contract_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::REFERENCE_TYPES
}

/// What validation found out about a contract's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// `blake2_256` of the code: the key of the compiled-module cache.
    pub code_hash: [u8; 32],
    /// Size of the code in bytes.
    pub code_size: usize,
    /// Initial memory, in 64 KiB pages.
    pub memory_pages: u64,
    /// Declared maximum memory, in pages (growth stops at the configured limit regardless).
    pub memory_max_pages: Option<u64>,
    /// Functions the module defines (imports not counted).
    pub functions: u32,
    /// Host functions the module imports, in import order.
    pub host_functions: Vec<&'static str>,
    /// Bytes of data segments (copied into memory at every instantiation).
    pub data_bytes: u64,
}

/// Why the one-pass check stopped.
enum Rejection {
    /// The parser or validator refused the bytes.
    Wasm(BinaryReaderError),
    /// The module is valid WebAssembly but breaks a contract rule.
    Code(CodeError),
}

impl From<BinaryReaderError> for Rejection {
    fn from(error: BinaryReaderError) -> Self {
        Rejection::Wasm(error)
    }
}

impl From<CodeError> for Rejection {
    fn from(error: CodeError) -> Self {
        Rejection::Code(error)
    }
}

/// Validates `code` against `config`. See the module docs for the rules.
pub(crate) fn validate(code: &[u8], config: &VmConfig) -> Result<CodeInfo, CodeError> {
    if code.len() > config.max_code_size {
        return Err(CodeError::TooLarge {
            size: code.len(),
            max: config.max_code_size,
        });
    }
    match check(code, config) {
        Ok(info) => Ok(info),
        Err(Rejection::Code(error)) => Err(error),
        Err(Rejection::Wasm(error)) => {
            // Tell floats apart from other invalid code: valid with floats allowed means the
            // floats were the problem.
            let with_floats = contract_features() | WasmFeatures::FLOATS;
            if Validator::new_with_features(with_floats)
                .validate_all(code)
                .is_ok()
            {
                Err(CodeError::FloatsForbidden {
                    offset: error.offset(),
                })
            } else {
                Err(CodeError::InvalidWasm {
                    offset: error.offset(),
                    reason: error.message().to_string(),
                })
            }
        }
    }
}

/// One pass over the module: validation with the contract features plus the contract rules.
fn check(code: &[u8], config: &VmConfig) -> Result<CodeInfo, Rejection> {
    let mut validator = Validator::new_with_features(contract_features());
    let mut allocations = FuncValidatorAllocations::default();
    // Function imports (module, name) in function-index order, and exports (name, kind, index).
    let mut imports: Vec<(String, String)> = Vec::new();
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut data_bytes: u64 = 0;
    let mut function_index: u32 = 0;

    for payload in Parser::new(0).parse_all(code) {
        let payload = payload?;
        match &payload {
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import?;
                    match import.ty {
                        TypeRef::Func(_) => {
                            imports.push((import.module.to_string(), import.name.to_string()));
                            function_index = function_index.saturating_add(1);
                        }
                        _ => {
                            return Err(CodeError::NonFunctionImport {
                                module: import.module.to_string(),
                                name: import.name.to_string(),
                            }
                            .into());
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) if reader.count() > config.max_functions => {
                return Err(CodeError::TooManyFunctions {
                    count: reader.count(),
                    max: config.max_functions,
                }
                .into());
            }
            Payload::GlobalSection(reader) if reader.count() > config.max_globals => {
                return Err(CodeError::TooManyGlobals {
                    count: reader.count(),
                    max: config.max_globals,
                }
                .into());
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    let export = export?;
                    exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            Payload::StartSection { .. } => return Err(CodeError::StartFunction.into()),
            Payload::DataSection(reader) => {
                for data in reader.clone() {
                    data_bytes = data_bytes.saturating_add(data?.data.len() as u64);
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut locals: u64 = 0;
                for local in body.get_locals_reader()? {
                    locals = locals.saturating_add(u64::from(local?.0));
                }
                if locals > u64::from(config.max_function_locals) {
                    return Err(CodeError::TooManyLocals {
                        index: function_index,
                        count: locals,
                        max: config.max_function_locals,
                    }
                    .into());
                }
                function_index = function_index.saturating_add(1);
            }
            _ => {}
        }
        match validator.payload(&payload)? {
            ValidPayload::Ok | ValidPayload::Parser(_) => {}
            ValidPayload::Func(function, body) => {
                let mut function = function.into_validator(allocations);
                function.validate(&body)?;
                allocations = function.into_allocations();
            }
            ValidPayload::End(types) => {
                return Ok(check_shape(
                    code,
                    config,
                    types.as_ref(),
                    &imports,
                    &exports,
                    data_bytes,
                )?);
            }
        }
    }
    // `parse_all` always ends with `End` for a complete module, and errors otherwise.
    Err(CodeError::InvalidWasm {
        offset: code.len(),
        reason: "unexpected end".into(),
    }
    .into())
}

/// The contract rules that need the whole module's types.
fn check_shape(
    code: &[u8],
    config: &VmConfig,
    types: TypesRef<'_>,
    imports: &[(String, String)],
    exports: &[(String, ExternalKind, u32)],
    data_bytes: u64,
) -> Result<CodeInfo, CodeError> {
    let mut host_functions = Vec::with_capacity(imports.len());
    for (index, (module, name)) in imports.iter().enumerate() {
        if module != ABI_MODULE {
            return Err(CodeError::UnknownImportModule {
                module: module.clone(),
                name: name.clone(),
            });
        }
        let Some(expected) = abi::host_function(name) else {
            return Err(CodeError::UnknownHostFunction { name: name.clone() });
        };
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let matches = function_type(&types, index).is_some_and(|(params, results)| {
            same_types(params, expected.params) && same_types(results, expected.results)
        });
        if !matches {
            return Err(CodeError::WrongImportSignature { name: name.clone() });
        }
        host_functions.push(expected.name);
    }

    let memory_count = types.memory_count();
    if memory_count != 1 {
        return Err(CodeError::MemoryCount {
            count: memory_count,
        });
    }
    let memory = types.memory_at(0);
    if memory.initial > u64::from(config.max_memory_pages) {
        return Err(CodeError::MemoryTooLarge {
            pages: memory.initial,
            max: config.max_memory_pages,
        });
    }
    let table_count = types.table_count();
    if table_count > 1 {
        return Err(CodeError::TableCount { count: table_count });
    }
    if table_count == 1 {
        let table = types.table_at(0);
        if table.initial > u64::from(config.max_table_elements) {
            return Err(CodeError::TableTooLarge {
                elements: table.initial,
                max: config.max_table_elements,
            });
        }
    }

    let export = |name: &str| exports.iter().find(|(export, _, _)| export == name);
    match export(EXPORT_MEMORY) {
        None => {
            return Err(CodeError::MissingExport {
                name: EXPORT_MEMORY,
            });
        }
        Some((_, ExternalKind::Memory, 0)) => {}
        Some(_) => {
            return Err(CodeError::WrongExport {
                name: EXPORT_MEMORY,
            });
        }
    }
    for entry in [Entry::Deploy, Entry::Call] {
        let name = entry.export_name();
        match export(name) {
            None => return Err(CodeError::MissingExport { name }),
            Some((_, ExternalKind::Func, index)) => {
                let unit = function_type(&types, *index)
                    .is_some_and(|(params, results)| params.is_empty() && results.is_empty());
                if !unit {
                    return Err(CodeError::WrongExport { name });
                }
            }
            Some(_) => return Err(CodeError::WrongExport { name }),
        }
    }

    let imported = u32::try_from(imports.len()).unwrap_or(u32::MAX);
    Ok(CodeInfo {
        code_hash: sp_crypto_hashing::blake2_256(code),
        code_size: code.len(),
        memory_pages: memory.initial,
        memory_max_pages: memory.maximum,
        functions: types.function_count().saturating_sub(imported),
        host_functions,
        data_bytes,
    })
}

/// Parameter and result types of function `index`, if it is a function.
fn function_type<'a>(
    types: &'a TypesRef<'_>,
    index: u32,
) -> Option<(&'a [ValType], &'a [ValType])> {
    if index >= types.function_count() {
        return None;
    }
    match &types[types.core_function_at(index)].composite_type.inner {
        CompositeInnerType::Func(function) => Some((function.params(), function.results())),
        _ => None,
    }
}

fn same_types(actual: &[ValType], expected: &[AbiType]) -> bool {
    actual.len() == expected.len()
        && actual.iter().zip(expected).all(|(actual, expected)| {
            matches!(
                (actual, expected),
                (ValType::I32, AbiType::I32) | (ValType::I64, AbiType::I64)
            )
        })
}
