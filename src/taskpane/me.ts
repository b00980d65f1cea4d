/** `GET /api/me`. */
export interface Me {
  user: {
    id: string;
    email: string;
    displayName: string;
    language: string;
    profile: string;
    isSuperAdmin: boolean;
    permissions: string[];
  };
  org: { id: string; name: string; edition: 'free' | 'paid' };
}
