/**
 * Inline styles shared by both engines' bodies. Inline because Gmail and Outlook drop or
 * ignore much of `<style>`; colours chosen for contrast ≥ 7:1 on white.
 */
export const palette = {
  text: '#1f2933',
  heading: '#102a43',
  muted: '#52606d',
  link: '#0b5cad',
  background: '#f5f7fa',
  card: '#ffffff',
  button: '#0b5cad',
  buttonText: '#ffffff',
  rule: '#d9e2ec',
};

const font = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";

export const emailStyles = {
  paragraph: `margin:0 0 16px;${font};font-size:16px;line-height:1.6;color:${palette.text}`,
  h2: `margin:24px 0 12px;${font};font-size:20px;line-height:1.3;color:${palette.heading}`,
  h3: `margin:20px 0 8px;${font};font-size:17px;line-height:1.3;color:${palette.heading}`,
  list: `margin:0 0 16px;padding-left:24px;${font};font-size:16px;line-height:1.6;color:${palette.text}`,
  listItem: 'margin:0 0 8px',
  blockquote: `margin:0 0 16px;padding:0 0 0 12px;border-left:3px solid ${palette.rule}`,
  link: `color:${palette.link};text-decoration:underline`,
  /**
   * An address as link text is one unbroken word a table cell grows to fit, widening the email past a phone's screen, so it breaks anywhere.
   * `word-break` is the property most clients keep (caniemail: Gmail, Apple Mail, Outlook; not Yahoo).
   */
  addressLink: `color:${palette.link};text-decoration:underline;word-break:break-all`,
  hr: `border:none;border-top:1px solid ${palette.rule};margin:24px 0`,
  font,
};
