import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Textarea,
  Title3,
} from '@fluentui/react-components';
import { useMemo, useState, type FormEvent } from 'react';
import type { Contact } from '../../domain/contact';
import { ApiError } from '../api-client';
import { describeError, useLocale, useT } from '../i18n';
import {
  ADDRESS_KEYS,
  ADDRESS_PARTS,
  contactName,
  fieldLabel,
  fieldType,
  fromFormValues,
  ownFields,
  patchBetween,
  SECTIONS,
  toFormValues,
  type FormValues,
} from './contact-fields';
import { fieldOfError, type ContactsClient } from './contacts-client';
import { useWt, type WorkspaceTranslate } from './workspace-i18n';
import { useWorkspaceStyles } from './workspace-styles';

export interface ContactFormProps {
  client: ContactsClient;
  /** The contact being edited, as it was read; none for a new contact. */
  contact?: Contact;
  onSaved(contact: Contact): void;
  onCancel(): void;
}

type Problem =
  | { kind: 'field'; field: string; message: string }
  | { kind: 'changed'; latest: Contact }
  | { kind: 'deleted' }
  | { kind: 'other'; message: string };

/**
 * Create or edit a contact. What was typed stays in the form whatever the server answers: a
 * validation answer is shown on its field, a newer version is shown beside the typed one.
 */
export function ContactForm({ client, contact, onSaved, onCancel }: ContactFormProps) {
  const t = useT();
  const wt = useWt();
  const locale = useLocale();
  const styles = useWorkspaceStyles();
  const [base, setBase] = useState<Contact | undefined>(contact);
  const [values, setValues] = useState<FormValues>(() => toFormValues(contact ?? {}));
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const customTypes = (base?.custom ?? {}) as Record<string, unknown>;
  const customKeys = Object.keys(values).filter((k) => k.startsWith('custom.'));

  const set = (name: string) => (_: unknown, data: { value: string }) =>
    setValues((v) => ({ ...v, [name]: data.value }));

  const save = async (over: Contact | undefined = base) => {
    setSaving(true);
    setProblem(null);
    try {
      const fields = fromFormValues(values, customTypes);
      const saved = over
        ? await client.update(over.id, over.version, patchBetween(ownFields(over), fields))
        : await client.create(fields);
      onSaved(saved);
    } catch (error) {
      setProblem(await problemOf(error, client, over));
    } finally {
      setSaving(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save();
  };

  const fieldError = (name: string) =>
    problem?.kind === 'field' && problem.field === name ? fieldMessage(wt, problem.message) : undefined;

  const input = (name: string, label: string, type = 'string') => (
    <Field
      key={name}
      label={label}
      validationMessage={fieldError(name)}
      className={type === 'text' ? styles.wide : undefined}
    >
      {type === 'text' ? (
        <Textarea name={name} value={values[name] ?? ''} onChange={set(name)} resize="vertical" />
      ) : (
        <Input
          name={name}
          value={values[name] ?? ''}
          onChange={set(name)}
          type={type === 'email' ? 'email' : type === 'phone' ? 'tel' : type === 'url' ? 'url' : 'text'}
          placeholder={type === 'date' ? 'YYYY-MM-DD' : undefined}
        />
      )}
    </Field>
  );

  const sections = (Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]).map((section) => (
    <fieldset key={section} className={styles.formGrid} style={{ border: 0, padding: 0, margin: 0 }}>
      <legend>
        <strong>{wt(`section.${section}`)}</strong>
      </legend>
      {section === 'addresses'
        ? ADDRESS_KEYS.flatMap((key) =>
            ADDRESS_PARTS.map((part) =>
              input(`${key}.${part}`, `${fieldLabel(key, locale)}: ${wt(`address.${part}`)}`),
            ),
          )
        : SECTIONS[section].map((key) => input(key, fieldLabel(key, locale), fieldType(key)))}
    </fieldset>
  ));

  const title = base
    ? wt('form.editTitle', { name: contactName(base) || wt('contacts.unnamed') })
    : wt('form.newTitle');
  return (
    <form
      className="tandem-form"
      onSubmit={submit}
      noValidate
      aria-label={title}
      style={{ display: 'flex', flexDirection: 'column', gap: 12 }}
    >
      <Title3 as="h2">{title}</Title3>
      {problem && (
        <ProblemBar
          problem={problem}
          values={values}
          customTypes={customTypes}
          wt={wt}
          onKeepMine={(latest) => {
            setBase(latest);
            void save(latest);
          }}
          onTakeTheirs={(latest) => {
            setBase(latest);
            setValues(toFormValues(latest));
            setProblem(null);
          }}
          errorText={(e) => describeError(t, e)}
        />
      )}
      {sections}
      {customKeys.length > 0 && (
        <fieldset className={styles.formGrid} style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>
            <strong>{wt('detail.custom')}</strong>
          </legend>
          {customKeys.map((name) => input(name, name.slice('custom.'.length)))}
        </fieldset>
      )}
      <div className={styles.actions}>
        <Button appearance="primary" type="submit" disabled={saving}>
          {saving ? <Spinner size="tiny" label={wt('form.saving')} /> : wt('form.save')}
        </Button>
        <Button onClick={onCancel} disabled={saving}>
          {wt('form.cancel')}
        </Button>
      </div>
    </form>
  );
}

function ProblemBar({
  problem,
  values,
  customTypes,
  wt,
  onKeepMine,
  onTakeTheirs,
  errorText,
}: {
  problem: Problem;
  values: FormValues;
  customTypes: Record<string, unknown>;
  wt: WorkspaceTranslate;
  onKeepMine(latest: Contact): void;
  onTakeTheirs(latest: Contact): void;
  errorText(error: unknown): string;
}) {
  const locale = useLocale();
  const styles = useWorkspaceStyles();
  const differences = useMemo(() => {
    if (problem.kind !== 'changed') return [];
    const theirs = toFormValues(problem.latest);
    const mine = toFormValues(fromFormValues(values, customTypes));
    return [...new Set([...Object.keys(theirs), ...Object.keys(mine)])]
      .filter((k) => (theirs[k] ?? '') !== (mine[k] ?? ''))
      .map((k) => ({ key: k, mine: mine[k] ?? '', theirs: theirs[k] ?? '' }));
  }, [problem, values, customTypes]);
  switch (problem.kind) {
    case 'field':
      return (
        <MessageBar intent="error">
          <MessageBarBody>{wt('form.invalid')}</MessageBarBody>
        </MessageBar>
      );
    case 'deleted':
      return (
        <MessageBar intent="warning">
          <MessageBarBody>{wt('form.deletedWhileEditing')}</MessageBarBody>
        </MessageBar>
      );
    case 'other':
      return (
        <MessageBar intent="error">
          <MessageBarBody>{errorText(new Error(problem.message))}</MessageBarBody>
        </MessageBar>
      );
    case 'changed':
      return (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{wt('form.conflict.title')}</MessageBarTitle>
            <p>{wt('form.conflict.body')}</p>
            <table className={styles.compare}>
              <thead>
                <tr>
                  <th scope="col">{wt('form.conflict.field')}</th>
                  <th scope="col">{wt('form.conflict.yours')}</th>
                  <th scope="col">{wt('form.conflict.theirs')}</th>
                </tr>
              </thead>
              <tbody>
                {differences.map((d) => {
                  const [head, part] = d.key.split('.', 2) as [string, string | undefined];
                  const label =
                    head === 'custom'
                      ? (part ?? head)
                      : part
                        ? `${fieldLabel(head, locale)}: ${wt(`address.${part as 'city'}`)}`
                        : fieldLabel(head, locale);
                  return (
                    <tr key={d.key}>
                      <th scope="row">{label}</th>
                      <td>{d.mine}</td>
                      <td>{d.theirs}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className={styles.actions} style={{ marginTop: 8 }}>
              <Button appearance="primary" onClick={() => onKeepMine(problem.latest)}>
                {wt('form.conflict.keepMine')}
              </Button>
              <Button onClick={() => onTakeTheirs(problem.latest)}>{wt('form.conflict.takeTheirs')}</Button>
            </div>
          </MessageBarBody>
        </MessageBar>
      );
  }
}

/** What a failed save means for the person editing. */
async function problemOf(
  error: unknown,
  client: ContactsClient,
  base: Contact | undefined,
): Promise<Problem> {
  if (error instanceof ApiError && base && (error.status === 412 || error.status === 404)) {
    try {
      const latest = await client.get(base.id);
      return latest.deletedAt ? { kind: 'deleted' } : { kind: 'changed', latest };
    } catch (inner) {
      if (inner instanceof ApiError && inner.status === 404) return { kind: 'deleted' };
      return { kind: 'other', message: inner instanceof Error ? inner.message : String(inner) };
    }
  }
  const field = fieldOfError(error);
  if (field && error instanceof ApiError) return { kind: 'field', field, message: error.message };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** A server's validation message in the user's language where the rule is known. */
export function fieldMessage(wt: WorkspaceTranslate, message: string): string {
  const tooLong = /must NOT have more than (\d+) characters/.exec(message);
  if (tooLong?.[1]) return wt('form.tooLong', { max: tooLong[1] });
  if (/format "email"/.test(message)) return wt('form.badEmail');
  if (/format "date"|must match pattern "\^\\d\{4\}/.test(message)) return wt('form.badDate');
  if (/needs a first name, last name, email or company/.test(message)) return wt('form.needsIdentity');
  return message;
}
