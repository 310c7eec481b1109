/** The sign-up as this stage sees it: `Subscriber` from the store fits. */
export interface SignUp {
  id: string;
  status: 'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained';
  /** Set while a confirmation link can still be pressed (a re-sign-up's, when unsubscribed). */
  confirmNonce: string | null;
}

/** What sign-up needs from the store: `store.subscribers` fits as is. */
export interface SignUpStore {
  signUpIntent(id: string): Promise<{ seriesId: string } | null>;
  requestConfirmation(id: string, opts: { seriesId: string; now: Date; renewNonce?: boolean; quietSince: Date }): Promise<boolean>;
}
