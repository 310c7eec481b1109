/** A lint finding: advice for the author, never a refusal (the compliance guard alone refuses). */
export interface LintWarning {
  rule:
    | 'link-https'
    | 'link-absolute'
    | 'link-empty'
    | 'link-text'
    | 'placeholder-unfilled'
    | 'image-alt'
    | 'image-src'
    | 'image-size'
    | 'subject-length'
    | 'preheader-length'
    | 'lang'
    | 'contrast'
    | 'phone-width';
  message: string;
}

export interface LintInput {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}

export interface LintOptions {
  /**
   * True for a message filled for a recipient: no `{{` may remain. False for a compiled
   * template, where `{{unsubscribeUrl}}` and friends are expected in place of URLs.
   */
  filled: boolean;
}
