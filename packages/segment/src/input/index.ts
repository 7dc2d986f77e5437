export { readCsv, type CsvReaderOptions } from './csv-reader.js';
export { readJson, type JsonReaderOptions } from './json-reader.js';
export { BigIntLong as avroBigIntLong, readAvro, type AvroReaderOptions } from './avro-reader.js';
export { readRows, openInputStream, inputFormatOf, type InputFile, type InputFormat } from './read-rows.js';
