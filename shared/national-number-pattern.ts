/**
 * The shape of a Belgian national number (INSZ/NISS) in free text: eleven digits, with or without
 * the usual dots, dashes or spaces (`85.07.30-033.28`), not part of a longer run of digits; glued to
 * letters (`abc85073003328`) it still is one. One source for two regex engines: the logger's
 * redaction (shared/observability.ts) and the CloudWatch Logs data protection policy of every log
 * group (infra/constructs/hub-function.ts), which catches what slips past the logger.
 */

/** `YY MM DD SSS CC`, each separator optional. `\d\d`, not `\d{2}`: CloudWatch counts every character. */
const BODY = ['\\d\\d', '\\d\\d', '\\d\\d', '\\d{3}', '\\d\\d'].join('[-. ]?');

/** For JavaScript: lookarounds keep a longer run of digits out. Global: every number in a string. */
export function nationalNumberRegExp(): RegExp {
  return new RegExp(`(?<!\\d)${BODY}(?!\\d)`, 'g');
}

/**
 * For a CloudWatch Logs custom data identifier, whose regex may hold no group, lookaround, `(` or
 * `<` (at most 200 characters of letters, digits, `_#=@/;,- ` and `^$?[]{}|\*+.`; see
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-custom-data-identifiers.html).
 * The lookarounds become alternatives: at the start of the event, or after a non-digit (masked
 * with it), and then before a word boundary, or before a letter (masked with it). A letter so
 * masked is lost to what follows: of `85073003328a90010112345` only the first is masked (the
 * logger masks both); and a longer run of digits glued to a letter is masked too.
 */
export const NATIONAL_NUMBER_CLOUDWATCH_REGEX = [`^${BODY}\\b`, `\\D${BODY}\\b`, `\\D?${BODY}[^\\W\\d]`].join('|');
