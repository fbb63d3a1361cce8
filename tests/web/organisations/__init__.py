"""Web pages of organisations: profiles, the directory, deletion, pictures, contacts, imports and exports."""
