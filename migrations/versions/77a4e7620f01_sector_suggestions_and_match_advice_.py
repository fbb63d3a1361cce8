"""sector suggestions and match advice computed by the job worker

Revision ID: 77a4e7620f01
Revises: b7c1e0f4a2d9
Create Date: 2026-11-24 20:14:20.411337

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '77a4e7620f01'
down_revision = 'b7c1e0f4a2d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('match_advice',
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('counterpart_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('percent', sa.Float(), nullable=False),
    sa.Column('suggestions', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['counterpart_id'], ['organisations.id'], name=op.f('fk_match_advice_counterpart_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisations.id'], name=op.f('fk_match_advice_startup_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('startup_id', 'counterpart_id', name=op.f('pk_match_advice'))
    )
    op.create_table('sector_suggestions',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('suggestions', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sector_suggestions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_sector_suggestions'))
    )


def downgrade():
    op.drop_table('sector_suggestions')
    op.drop_table('match_advice')
