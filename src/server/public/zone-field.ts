import { zoneChoices } from '../../subscribers/index.ts';
import { html, raw, type SafeHtml } from '../html.ts';

let options: string | undefined;

/** Every zone once, as datalist options: typing filters them in the browser, no script needed. */
function zoneOptions(): SafeHtml {
  options ??= zoneChoices()
    .map((z) => html`<option value="${z.id}">${z.label}</option>`.value)
    .join('');
  return raw(options);
}

/**
 * The time-zone field of the sign-up form and the preferences page: free text with the
 * searchable list of IANA zones beside it. The pages' one script fills in the browser's zone
 * when the field is empty; without it, what is typed is read as it is.
 */
export function zoneField(value: string, opts: { error?: string; hint: string }): SafeHtml {
  const describedBy = opts.error ? 'tz-hint tz-error' : 'tz-hint';
  return html`<label for="timezone">Time zone</label>
<input id="timezone" name="timezone" type="text" list="tz-list" autocomplete="off" maxlength="64" value="${value}" aria-describedby="${describedBy}"${opts.error ? html` aria-invalid="true"` : ''}>
<datalist id="tz-list">${zoneOptions()}</datalist>
<p id="tz-hint" class="hint">${opts.hint}</p>
${opts.error ? html`<p id="tz-error" class="error" role="alert">${opts.error}</p>` : ''}`;
}
