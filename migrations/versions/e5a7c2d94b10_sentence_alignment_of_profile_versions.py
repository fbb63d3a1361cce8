"""sentence alignment of profile versions, for quoting a version under "What matched"

Revision ID: e5a7c2d94b10
Revises: 75ecdaabc9b0
Create Date: 2026-12-07 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a7c2d94b10'
down_revision = '75ecdaabc9b0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('profile_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alignment', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('profile_versions', schema=None) as batch_op:
        batch_op.drop_column('alignment')
