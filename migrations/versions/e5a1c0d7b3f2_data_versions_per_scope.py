"""data versions per scope: all, each organisation, each side's organisations

Revision ID: e5a1c0d7b3f2
Revises: 75ecdaabc9b0
Create Date: 2026-12-07 01:40:00.000000

The one global data version made every save throw away every kept page in every process (issue 20,
finding 10). The table now holds one counter per scope; its values are a cache's keys, not data, so
the old row is dropped: the first commit afterwards starts each scope at a random value.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1c0d7b3f2'
down_revision = '75ecdaabc9b0'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('data_versions')
    op.create_table('data_versions',
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_data_versions'))
    )


def downgrade():
    op.drop_table('data_versions')
    op.create_table('data_versions',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_versions'))
    )
