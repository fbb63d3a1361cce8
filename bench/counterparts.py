"""Offers and seeks of synthetic partners, shared by the refresh benchmarks (no imports: bench/refresh.py
loads it before choosing which matchmaker tree to measure)."""

COUNTERPARTS = [
    (
        "Clinical trial sites and hospital data partnerships. Co-development with our R&D team.",
        "Digital health, medical imaging AI and remote patient monitoring startups.",
    ),
    (
        "Studio space, distribution deals and marketing budget for new content formats.",
        "Creator tools, streaming technology, games and interactive media.",
    ),
    (
        "Rooftops and substations for pilots, power purchase agreements and grid data.",
        "Solar, storage, hydrogen and demand response software.",
    ),
    (
        "Test vehicles, supplier onboarding and a proving ground for mobility pilots.",
        "Autonomous driving, EV charging, fleet software and vehicle cybersecurity.",
    ),
]
