export { startFaultProxy, type FaultProxy, type FaultProxyOptions } from './proxy.js';
export { RuleBook, seededRandom, type Fault, type FaultRule, type ProxiedRequest } from './rules.js';
