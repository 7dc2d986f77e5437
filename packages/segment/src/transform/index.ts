/**
 * Pinot's ingestion record transforms before DataTypeTransformer: the inbuilt expression language
 * (InbuiltFunctionEvaluator and the scalar function registry), ComplexTypeTransformer, ExpressionTransformer and
 * FilterTransformer.
 */
export { createTransformPipeline, TransformError, type PlannedTransform, type TransformPipeline, type TransformPipelineOptions } from './pipeline.js';
export { compileExpression, isGroovyExpression, ExpressionCompileError, ExpressionEvaluationError, type ExpressionEvaluator } from './evaluator.js';
export { parseExpression, ExpressionSyntaxError, type Expr } from './parser.js';
export {
  ComplexTypeTransformer,
  ComplexTypeConfigError,
  parseComplexTypeConfig,
  readComplexTypeConfig,
  type ComplexTypeConfig,
  type CollectionNotUnnestedToJson,
} from './complex-type.js';
export { registeredFunctions } from './registry.js';
export { fromJs, toJs, JArray, JFloat, JInt, JMap, JTimestamp, JavaException, type JValue } from './jvalue.js';
