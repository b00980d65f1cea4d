/** The contact editor's fields, and how they become a Graph contact body and back. */
import type { GraphContact } from './graph-client';

export interface ContactForm {
  givenName: string;
  surname: string;
  email: string;
  companyName: string;
  jobTitle: string;
  businessPhone: string;
  mobilePhone: string;
}

export type ContactFormErrors = Partial<Record<keyof ContactForm, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()./-]{3,40}$/;

export const EMPTY_CONTACT: ContactForm = {
  givenName: '',
  surname: '',
  email: '',
  companyName: '',
  jobTitle: '',
  businessPhone: '',
  mobilePhone: '',
};

export function validateContactForm(form: ContactForm): ContactFormErrors {
  const errors: ContactFormErrors = {};
  if (!form.givenName.trim() && !form.surname.trim() && !form.email.trim()) {
    errors.givenName = 'Give a name or an email address.';
  }
  if (form.email.trim() && !EMAIL.test(form.email.trim())) errors.email = 'Not an email address.';
  if (form.businessPhone.trim() && !PHONE.test(form.businessPhone.trim()))
    errors.businessPhone = 'Not a phone number.';
  if (form.mobilePhone.trim() && !PHONE.test(form.mobilePhone.trim()))
    errors.mobilePhone = 'Not a phone number.';
  for (const key of Object.keys(form) as (keyof ContactForm)[]) {
    if (!errors[key] && form[key].length > 200) errors[key] = 'At most 200 characters.';
  }
  return errors;
}

export function contactBody(form: ContactForm): Record<string, unknown> {
  const name = [form.givenName.trim(), form.surname.trim()].filter(Boolean).join(' ');
  const email = form.email.trim();
  return {
    givenName: form.givenName.trim(),
    surname: form.surname.trim(),
    companyName: form.companyName.trim(),
    jobTitle: form.jobTitle.trim(),
    emailAddresses: email ? [{ address: email, name: name || email }] : [],
    businessPhones: form.businessPhone.trim() ? [form.businessPhone.trim()] : [],
    mobilePhone: form.mobilePhone.trim(),
  };
}

export function contactToForm(contact: GraphContact): ContactForm {
  return {
    givenName: contact.givenName ?? '',
    surname: contact.surname ?? '',
    email: contact.emailAddresses?.[0]?.address ?? '',
    companyName: contact.companyName ?? '',
    jobTitle: contact.jobTitle ?? '',
    businessPhone: contact.businessPhones?.[0] ?? '',
    mobilePhone: contact.mobilePhone ?? '',
  };
}

export function contactName(contact: GraphContact): string {
  return (
    contact.displayName ||
    [contact.givenName, contact.surname].filter(Boolean).join(' ') ||
    contact.emailAddresses?.[0]?.address ||
    '(no name)'
  );
}
