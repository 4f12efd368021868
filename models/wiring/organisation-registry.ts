import type { Sequelize } from 'sequelize';
import { Organisation } from '../Organisation.js';
import { OrganisationDocument } from '../OrganisationDocument.js';
import { OrganisationStatusChange } from '../OrganisationStatusChange.js';
import { StoredFile } from '../StoredFile.js';
import { User } from '../User.js';

/** Initialises the registry's own models (status history, documents) and wires them to organisations. */
export function initOrganisationRegistry(sequelize: Sequelize): void {
  OrganisationStatusChange.initModel(sequelize);
  OrganisationDocument.initModel(sequelize);
  Organisation.hasMany(OrganisationStatusChange, { as: 'statusChanges', foreignKey: 'organisationId' });
  OrganisationStatusChange.belongsTo(User, { as: 'changer', foreignKey: 'changedBy' });
  Organisation.hasMany(OrganisationDocument, { as: 'documents', foreignKey: 'organisationId' });
  OrganisationDocument.belongsTo(StoredFile, { as: 'file', foreignKey: 'storedFileId' });
  OrganisationDocument.belongsTo(User, { as: 'uploader', foreignKey: 'uploadedBy' });
}
