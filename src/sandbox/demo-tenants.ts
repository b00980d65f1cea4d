/** The demo directory: Contoso (the tenant the product demo runs on) and Fabrikam (for isolation). */
export const GLOBAL_ADMINISTRATOR_ROLE = '62e90394-69f5-4237-9190-012177145e10';
/** The "member user" template id Entra ID puts in every member's `wids`. */
export const MEMBER_USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509';

export const CONTOSO_TENANT_ID = '5e0c2a3b-7c1d-4f5a-9b6e-2d8f4a1c3e70';
export const FABRIKAM_TENANT_ID = 'a41f6d28-93b0-4c7e-8e15-6b2c9d0f7a83';

export interface DemoUser {
  id: string;
  given: string;
  surname: string;
  alias: string;
  jobTitle: string;
  officeLocation: string;
  mobilePhone?: string;
  admin?: boolean;
}

export interface DemoTenant {
  id: string;
  displayName: string;
  domain: string;
  users: DemoUser[];
}

export const DEMO_TENANTS: DemoTenant[] = [
  {
    id: CONTOSO_TENANT_ID,
    displayName: 'Contoso',
    domain: 'contoso.example',
    users: [
      {
        id: '9f1c2a30-0001-4b7e-8a11-c0a7e1d0a001',
        given: 'Ana',
        surname: 'Admin',
        alias: 'admin',
        jobTitle: 'IT Administrator',
        officeLocation: 'Madrid',
        admin: true,
      },
      {
        id: '9f1c2a30-0002-4b7e-8a11-c0a7e1d0a002',
        given: 'Bruno',
        surname: 'Castillo',
        alias: 'bruno.castillo',
        jobTitle: 'Sales Manager',
        officeLocation: 'Madrid',
        mobilePhone: '+34 600 100 002',
      },
      {
        id: '9f1c2a30-0003-4b7e-8a11-c0a7e1d0a003',
        given: 'Carmen',
        surname: 'Delgado',
        alias: 'carmen.delgado',
        jobTitle: 'Account Executive',
        officeLocation: 'Sevilla',
      },
      {
        id: '9f1c2a30-0004-4b7e-8a11-c0a7e1d0a004',
        given: 'David',
        surname: 'Esteban',
        alias: 'david.esteban',
        jobTitle: 'Account Executive',
        officeLocation: 'Valencia',
      },
      {
        id: '9f1c2a30-0005-4b7e-8a11-c0a7e1d0a005',
        given: 'Elena',
        surname: 'Fuentes',
        alias: 'elena.fuentes',
        jobTitle: 'Marketing Lead',
        officeLocation: 'Madrid',
      },
      {
        id: '9f1c2a30-0006-4b7e-8a11-c0a7e1d0a006',
        given: 'Felipe',
        surname: 'Garrido',
        alias: 'felipe.garrido',
        jobTitle: 'Support Engineer',
        officeLocation: 'Bilbao',
      },
      {
        id: '9f1c2a30-0007-4b7e-8a11-c0a7e1d0a007',
        given: 'Gloria',
        surname: 'Herrera',
        alias: 'gloria.herrera',
        jobTitle: 'Finance Officer',
        officeLocation: 'Madrid',
      },
      {
        id: '9f1c2a30-0008-4b7e-8a11-c0a7e1d0a008',
        given: 'Hugo',
        surname: 'Iglesias',
        alias: 'hugo.iglesias',
        jobTitle: 'Sales Representative',
        officeLocation: 'Barcelona',
      },
      {
        id: '9f1c2a30-0009-4b7e-8a11-c0a7e1d0a009',
        given: 'Irene',
        surname: 'Jimenez',
        alias: 'irene.jimenez',
        jobTitle: 'Sales Representative',
        officeLocation: 'Barcelona',
      },
      {
        id: '9f1c2a30-0010-4b7e-8a11-c0a7e1d0a010',
        given: 'Jorge',
        surname: 'Lopez',
        alias: 'jorge.lopez',
        jobTitle: 'Operations Director',
        officeLocation: 'Madrid',
      },
    ],
  },
  {
    id: FABRIKAM_TENANT_ID,
    displayName: 'Fabrikam',
    domain: 'fabrikam.example',
    users: [
      {
        id: '4c8e7b21-0001-4f3a-9d62-f4b1a2e0b001',
        given: 'Fiona',
        surname: 'Admin',
        alias: 'admin',
        jobTitle: 'IT Administrator',
        officeLocation: 'Lisboa',
        admin: true,
      },
      {
        id: '4c8e7b21-0002-4f3a-9d62-f4b1a2e0b002',
        given: 'Gabriel',
        surname: 'Moreira',
        alias: 'gabriel.moreira',
        jobTitle: 'Sales Manager',
        officeLocation: 'Porto',
      },
      {
        id: '4c8e7b21-0003-4f3a-9d62-f4b1a2e0b003',
        given: 'Beatriz',
        surname: 'Nunes',
        alias: 'beatriz.nunes',
        jobTitle: 'Account Executive',
        officeLocation: 'Lisboa',
      },
    ],
  },
];
