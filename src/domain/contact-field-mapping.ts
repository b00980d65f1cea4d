/**
 * Which CRM contact field syncs with which Graph contact field. A mapping is plain data (CRM field
 * key → Graph field id from {@link GRAPH_CONTACT_FIELDS}) so it can be stored per user, edited in the
 * taskpane and validated the same way on both ends.
 *
 * Org custom fields take part as `custom.<key>`. A pair is allowed only when a value can travel both
 * ways without being refused on the other side: same type, or plain text on both sides.
 */
import { CRM_CONTACT_FIELDS, type CrmFieldDescriptor, type CrmFieldType } from './contact';
import {
  GRAPH_CONTACT_FIELDS,
  graphContactField,
  type GraphContactFieldDescriptor,
  type GraphContactFieldType,
} from './graph-contact-fields';

/** CRM field key → Graph field id. Unmapped CRM fields are simply absent. */
export type ContactFieldMapping = Readonly<Record<string, string>>;

/** An org-defined contact field, as the store keeps it. */
export interface CustomFieldDefinition {
  key: string;
  label: string;
  type: 'string' | 'number' | 'boolean' | 'date';
}

export const CUSTOM_FIELD_PREFIX = 'custom.';

/**
 * What a new user syncs. CRM fields with no v1.0 counterpart (fax, other phone) stay unmapped, and
 * the slots left free (3rd email, 2nd business and home phones) keep whatever Outlook holds there.
 */
export const DEFAULT_CONTACT_FIELD_MAPPING: ContactFieldMapping = Object.freeze({
  salutation: 'title',
  firstName: 'givenName',
  middleName: 'middleName',
  lastName: 'surname',
  email: 'emailAddresses[0]',
  secondaryEmail: 'emailAddresses[1]',
  phone: 'businessPhones[0]',
  mobilePhone: 'mobilePhone',
  homePhone: 'homePhones[0]',
  accountName: 'companyName',
  title: 'jobTitle',
  department: 'department',
  assistantName: 'assistantName',
  mailingAddress: 'businessAddress',
  otherAddress: 'otherAddress',
  birthdate: 'birthday',
  website: 'businessHomePage',
  description: 'personalNotes',
});

const TEXTUAL: ReadonlySet<GraphContactFieldType> = new Set(['string', 'text']);

/** Whether values of a CRM type and a Graph type can be copied both ways unchanged. */
export function typesCompatible(crm: CrmFieldType, graph: GraphContactFieldType): boolean {
  if (graph === 'stringList') return false;
  return crm === graph || (TEXTUAL.has(crm) && TEXTUAL.has(graph));
}

/** The CRM side of the catalogue for an org: built-in fields, then its custom fields. */
export function crmContactFieldCatalogue(
  customFields: readonly CustomFieldDefinition[] = [],
): CrmFieldDescriptor[] {
  return [
    ...CRM_CONTACT_FIELDS,
    ...customFields.map((f) => ({
      key: `${CUSTOM_FIELD_PREFIX}${f.key}`,
      label: { en: f.label, es: f.label },
      type: f.type,
    })),
  ];
}

function crmField(
  key: string,
  customFields: readonly CustomFieldDefinition[],
): CrmFieldDescriptor | undefined {
  return crmContactFieldCatalogue(customFields).find((f) => f.key === key);
}

/**
 * The Graph fields the editor offers for a CRM field: mappable, type-compatible, and not already
 * taken by another CRM field of `mapping` (the field's own current target stays on offer).
 */
export function graphTargetsFor(
  crmKey: string,
  options: { customFields?: readonly CustomFieldDefinition[]; mapping?: ContactFieldMapping } = {},
): GraphContactFieldDescriptor[] {
  const crm = crmField(crmKey, options.customFields ?? []);
  if (!crm) return [];
  const takenByOthers = new Set(
    Object.entries(options.mapping ?? {})
      .filter(([key]) => key !== crmKey)
      .map(([, graph]) => graph),
  );
  return GRAPH_CONTACT_FIELDS.filter(
    (g) => g.mappable && typesCompatible(crm.type, g.type) && !takenByOthers.has(g.id),
  );
}

/**
 * Problems with a mapping, one message per problem, each naming the field; empty when it is valid.
 * Accepts any JSON so it can check request bodies directly.
 */
export function validateContactFieldMapping(
  mapping: unknown,
  customFields: readonly CustomFieldDefinition[] = [],
): string[] {
  if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
    return ['the field mapping must be an object of CRM field → Microsoft field'];
  }
  const problems: string[] = [];
  const usedBy = new Map<string, string>();
  for (const [crmKey, target] of Object.entries(mapping as Record<string, unknown>)) {
    const crm = crmField(crmKey, customFields);
    if (!crm) {
      problems.push(
        crmKey.startsWith(CUSTOM_FIELD_PREFIX)
          ? `${crmKey} is not a custom contact field of your organisation`
          : `${crmKey} is not a CRM contact field`,
      );
      continue;
    }
    if (typeof target !== 'string') {
      problems.push(`${crmKey} must map to a Microsoft field id (a string)`);
      continue;
    }
    const graph = graphContactField(target);
    if (!graph) {
      problems.push(`${crmKey}: ${target} is not a contact field Microsoft Graph exposes`);
      continue;
    }
    if (!graph.mappable) {
      problems.push(`${crmKey}: ${target} is managed by the sync and cannot be mapped`);
      continue;
    }
    if (!typesCompatible(crm.type, graph.type)) {
      problems.push(`${crmKey} (${crm.type}) cannot map to ${target} (${graph.type})`);
      continue;
    }
    const earlier = usedBy.get(target);
    if (earlier) {
      problems.push(`${crmKey}: ${target} is already mapped to ${earlier}`);
      continue;
    }
    usedBy.set(target, crmKey);
  }
  return problems;
}
