import type { Template } from 'aws-cdk-lib/assertions';

/**
 * The metrics the operators' view reads, taken from a synthesized template (every alarm and every
 * dashboard widget), and the metrics the functions emit, taken from their CloudWatch EMF lines. A
 * metric is its namespace, its name and the exact set of its dimension keys: CloudWatch finds no
 * data for a read whose dimension keys differ from the emitted ones, even by one.
 */

export interface MetricRead {
  /** Which alarm or widget reads it. */
  readonly where: string;
  readonly namespace: string;
  readonly metricName: string;
  /** The dimension keys, sorted. */
  readonly dimensions: readonly string[];
}

/** `namespace|name|key,key`: one identity for a read and an emitted metric. */
export function metricKey(m: Pick<MetricRead, 'namespace' | 'metricName' | 'dimensions'>): string {
  return `${m.namespace}|${m.metricName}|${[...m.dimensions].sort().join(',')}`;
}

/**
 * The metrics a CloudWatch SEARCH expression reads: its schema `{namespace,key,...}` names the exact
 * dimension keys, and each one must name its metric (`MetricName="..."`) for the reads to be known.
 */
export function searchReads(expression: string, where: string): MetricRead[] {
  const reads: MetricRead[] = [];
  for (const match of expression.matchAll(/SEARCH\(\s*'([^']*)'/g)) {
    const query = match[1] ?? '';
    const schema = /^\{([^}]*)\}/.exec(query.trim());
    const name = /MetricName="([^"]+)"/.exec(query);
    if (!schema || !name) throw new Error(`${where}: SEARCH '${query}' names no schema or no MetricName`);
    const [namespace = '', ...dimensions] = (schema[1] ?? '').split(',').map((part) => part.trim());
    reads.push({ where, namespace, metricName: name[1] ?? '', dimensions: dimensions.sort() });
  }
  if (reads.length === 0) throw new Error(`${where}: expression ${expression} reads no metric this check understands`);
  return reads;
}

interface CfnMetric {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: ReadonlyArray<{ readonly Name: string }>;
}

const fromCfn = (m: CfnMetric, where: string): MetricRead => ({
  where,
  namespace: m.Namespace,
  metricName: m.MetricName,
  dimensions: (m.Dimensions ?? []).map((d) => d.Name).sort(),
});

/** Every metric each alarm of the template reads: its single metric, or each metric of its math. */
export function alarmReads(template: Template): MetricRead[] {
  const alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<string, { Properties: Record<string, unknown> }>;
  return Object.entries(alarms).flatMap(([id, { Properties: p }]) => {
    const where = `alarm ${id}`;
    if (typeof p.MetricName === 'string') return [fromCfn(p as unknown as CfnMetric, where)];
    const queries = (p.Metrics ?? []) as Array<{ MetricStat?: { Metric: CfnMetric }; Expression?: string }>;
    if (queries.length === 0) throw new Error(`${where} reads no metric`);
    return queries.flatMap((q) => {
      if (q.MetricStat) return [fromCfn(q.MetricStat.Metric, where)];
      // Math over the other queries reads nothing itself; a SEARCH does.
      return q.Expression?.includes('SEARCH(') ? searchReads(q.Expression, where) : [];
    });
  });
}

/**
 * Every metric each widget of the template's one dashboard draws. The body is JSON text joined
 * with references (queue and function names); the text parts alone still parse, with the
 * references' values left empty, which the dimension keys do not need.
 */
export function dashboardReads(template: Template): MetricRead[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Array<{
    Properties: { DashboardBody: unknown };
  }>;
  if (dashboards.length !== 1) throw new Error(`expected one dashboard, found ${dashboards.length}`);
  const body = dashboards[0]?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].filter((p): p is string => typeof p === 'string').join('');
  const widgets = (JSON.parse(text) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> }).widgets;
  return widgets.flatMap((w) =>
    (w.properties.metrics ?? []).flatMap((line): MetricRead[] => {
      const where = `widget "${w.properties.title ?? '?'}"`;
      const first = line[0];
      if (typeof first === 'object' && first !== null) {
        const expression = (first as { expression?: string }).expression ?? '';
        return expression.includes('SEARCH(') ? searchReads(expression, where) : [];
      }
      // [namespace, metricName, key, value, key, value, ..., { options }]
      const [namespace, metricName, ...rest] = line.filter((part) => typeof part === 'string') as string[];
      const dimensions = rest.filter((_, i) => i % 2 === 0).sort();
      return [{ where, namespace: namespace ?? '', metricName: metricName ?? '', dimensions }];
    }),
  );
}

/** Every metric the EMF lines among `lines` emit, each dimension set of a line as its own metric. */
export function emittedMetrics(lines: ReadonlyArray<Record<string, unknown>>): Set<string> {
  const emitted = new Set<string>();
  for (const line of lines) {
    const directives = (line._aws as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics as
      | Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>
      | undefined;
    for (const directive of directives ?? []) {
      for (const metric of directive.Metrics) {
        for (const dimensions of directive.Dimensions) {
          emitted.add(metricKey({ namespace: directive.Namespace, metricName: metric.Name, dimensions }));
        }
      }
    }
  }
  return emitted;
}
