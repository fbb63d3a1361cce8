"""startups deleted by their founders keep an emptied, hidden row

Revision ID: c3b1f0d2a9e4
Revises: 8f84a169b072

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3b1f0d2a9e4'
down_revision = "8f84a169b072"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
