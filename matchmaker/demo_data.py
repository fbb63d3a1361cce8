"""Demo data for the ``flask seed-demo`` command of matchmaker.

Matchmaker is the matchmaking service of the AI industry convergence complex in Gwangju, Korea.
Everything in this module is fictional demo data: all startups, their figures, people, websites and
e-mail addresses are invented (websites and e-mail addresses use reserved ``example`` domains).
The only exception is the public focus areas of the four partners (Amazon, Google, NVIDIA and the
Rising Tide Fund), paraphrased as what they look for in Gwangju; their contact e-mail addresses,
team sizes (read: size of an illustrative Gwangju liaison team) and the fund's website are fictional.
"""

from __future__ import annotations

PARTNERS: list[dict] = [
    {
        "slug": "amazon",
        "kind": "partner",
        "name": "Amazon",
        "description": (
            "Amazon builds voice AI, devices and cloud services for customers around the world. Our Alexa "
            "teams work on conversational AI for the home and, through Alexa Auto, for the car, and across "
            "Amazon we invest in autonomous mobility and smart-home technology. In Gwangju we are looking "
            "for startups that can make voice the natural way to interact with vehicles, homes and services, "
            "including in Korean and its regional dialects. We want to meet teams that are testing real "
            "products in the complex's demonstration building, where in-car voice, connected home devices "
            "and autonomous mobility can be piloted with real users, and to explore how AWS and Alexa can "
            "help them grow beyond Korea."
        ),
        "offers": (
            "AWS cloud credits for eligible startups, technical guidance on building Alexa skills and "
            "integrating with Alexa Auto, mentoring from Amazon builders on voice experience and device "
            "design, and go-to-market support for reaching customers through Amazon channels."
        ),
        "seeks": (
            "Startups building voice interfaces for cars and homes, smart-home devices and home automation, "
            "autonomous mobility and delivery, and speech technology for Korean, including dialect "
            "recognition. We look for working prototypes ready to pilot and founders open to co-developing "
            "products with us."
        ),
        "sectors": ["automotive", "content", "energy"],
        "tags": ["voice ai", "alexa", "smart home", "autonomous driving", "cloud credits"],
        "stage": None,
        "raising_amount": None,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Seattle, USA",
        "is_complex_tenant": False,
        "website": "https://www.amazon.com",
        "team_size": 8,
        "contact_email": "startups@amazon.example.com",
    },
    {
        "slug": "google",
        "kind": "partner",
        "name": "Google",
        "description": (
            "Google brings AI and cloud technology to governments and public institutions, helping them "
            "deliver services that are more accessible, secure and efficient. Through Google Cloud we work "
            "with public-sector organisations on data platforms, machine learning and generative AI. In "
            "Gwangju we want to support startups that use AI to improve public services: city operations and "
            "mobility, healthcare for an ageing population, and the management of energy grids and renewable "
            "generation. We are interested in teams that handle public data responsibly, meet security and "
            "privacy expectations, and can turn pilots in the complex's demonstration building into services "
            "that cities, hospitals and utilities are able to adopt."
        ),
        "offers": (
            "Google Cloud credits for eligible startups, access to Vertex AI and Google's foundation models, "
            "architecture reviews with Google engineers, guidance on selling to the public sector, and "
            "training and certification for startup teams."
        ),
        "seeks": (
            "Startups building AI for public services and city data, healthcare (diagnostics, elder care, "
            "hospital workflows) and energy grids (forecasting, demand response, virtual power plants). We "
            "favour teams with public-sector pilots or a clear path to procurement, and strong data "
            "governance."
        ),
        "sectors": ["healthcare", "energy", "automotive"],
        "tags": ["public sector", "google cloud", "vertex ai", "smart city", "cloud credits"],
        "stage": None,
        "raising_amount": None,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Mountain View, USA",
        "is_complex_tenant": False,
        "website": "https://cloud.google.com",
        "team_size": 6,
        "contact_email": "public-sector-startups@google.example.com",
    },
    {
        "slug": "nvidia",
        "kind": "partner",
        "name": "NVIDIA",
        "description": (
            "NVIDIA builds the accelerated computing platforms, from GPUs and systems to software, that "
            "power modern AI. In Gwangju we want to help grow a lasting AI ecosystem around the national AI "
            "data centre: a joint research lab with the city, programmes that develop local AI talent, and "
            "support for startups through an Inception-style programme. We are looking for teams whose work "
            "depends on accelerated computing, from training perception models for autonomous vehicles and "
            "reading medical images to simulating energy systems as digital twins and generating video, "
            "images and music. We want startups that will push our platforms hard, build on them for the "
            "long term and share what they learn with the local community."
        ),
        "offers": (
            "Access to GPU computing through the AI data centre and partners, platform support for CUDA, "
            "Omniverse, Isaac, Clara and DRIVE, engineering guidance on training and inference optimisation, "
            "developer training, and visibility to investors through our startup programme."
        ),
        "seeks": (
            "Startups in autonomous driving and robotics, medical imaging AI, digital twins for energy and "
            "industrial sites, and generative content (video, animation, music). Also university and city "
            "partners for a joint research lab and talent programmes in Gwangju."
        ),
        "sectors": ["automotive", "healthcare", "energy"],
        "tags": ["gpu computing", "cuda", "omniverse", "digital twin", "medical imaging", "generative ai"],
        "stage": None,
        "raising_amount": None,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Santa Clara, USA",
        "is_complex_tenant": False,
        "website": "https://www.nvidia.com",
        "team_size": 10,
        "contact_email": "inception-gwangju@nvidia.example.com",
    },
    {
        "slug": "rising-tide-fund",
        "kind": "investor",
        "name": "Rising Tide Fund",
        "description": (
            "Rising Tide Fund is a Silicon Valley venture fund backing founders who build hard technology "
            "for large, global markets. We came to Gwangju because we believe the next generation of "
            "mobility and energy companies will be built close to manufacturing, real-world test sites and "
            "serious compute, and the region brings these together. We met founders at the International "
            "Electric Vehicle Expo and want to keep meeting them all year round. We invest early, stay "
            "hands-on, and help Korean teams open doors in the United States: customers, hires, follow-on "
            "investors and, when the time is right, the set-up of a US entity."
        ),
        "offers": (
            "Seed and Series A investment from USD 250k to 3M as lead or co-lead, hands-on help with US "
            "market entry, introductions to follow-on investors and corporate partners, and support with "
            "hiring and the fundraising story."
        ),
        "seeks": (
            "Founders in EV and battery technology, mobility and autonomous systems, energy storage and "
            "grids, and deep-tech AI, with global ambition, a technical edge that is hard to copy, and early "
            "proof from pilots or paying customers."
        ),
        "sectors": ["automotive", "energy"],
        "tags": ["venture capital", "ev", "mobility", "energy", "deep tech"],
        "stage": None,
        "raising_amount": None,
        "raising_currency": "USD",
        "investor_stages": ["seed", "series_a"],
        "ticket_min": 250_000,
        "ticket_max": 3_000_000,
        "ticket_currency": "USD",
        "location": "Palo Alto, USA",
        "is_complex_tenant": False,
        "website": "https://risingtide.example.com",
        "team_size": 12,
        "contact_email": "deals@risingtide.example.com",
    },
]

STARTUPS: list[dict] = [
    {
        "slug": "voltcell-battery",
        "kind": "startup",
        "name": "VoltCell",
        "description": (
            "VoltCell gives electric-vehicle batteries a second life. Our battery management system reads "
            "the state of health of used EV packs cell by cell, predicts how they will age, and regroups "
            "them into stationary energy storage for factories, charging stations and solar farms. We "
            "combine our own BMS hardware with machine-learning models trained on charge and discharge "
            "cycles of retired packs collected from local repair shops and fleet operators. A 200 kWh "
            "storage unit built from second-life packs runs in the complex's demonstration building, shaving "
            "the peak load of its EV chargers. We now want to turn this pilot into a product line and prove "
            "that reused batteries are safe, bankable and cheaper than new ones."
        ),
        "offers": (
            "BMS hardware and state-of-health prediction software for used EV battery packs, second-life "
            "storage units from 50 to 500 kWh, cycle data from retired packs, and a running peak-shaving "
            "pilot in the demonstration building."
        ),
        "seeks": (
            "Seed investment to certify our storage units, automakers and fleet operators that can supply "
            "retired packs, sites to install storage next to chargers and solar plants, GPU credits to train "
            "ageing models, and partners for export to the US."
        ),
        "sectors": ["energy", "automotive"],
        "tags": ["ev battery", "second-life battery", "energy storage", "bms"],
        "stage": "seed",
        "raising_amount": 1_500_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Gwangsan-gu (Cheomdan)",
        "is_complex_tenant": True,
        "website": "https://voltcell.example.kr",
        "team_size": 14,
        "contact_email": "founders@voltcell.example.kr",
    },
    {
        "slug": "soridrive",
        "kind": "startup",
        "name": "SoriDrive",
        "description": (
            "SoriDrive builds an in-car voice assistant that understands how people in Korea actually talk. "
            "Most speech recognition is trained on standard Seoul Korean and stumbles on regional speech; "
            "our models are trained on thousands of hours of Gwangju and Jeolla dialect recorded with taxi "
            "drivers, farmers and grandparents, and on noisy in-cabin audio. Drivers ask for navigation, "
            "climate control, calls and music in their own words, and the assistant answers in a natural "
            "local voice. Core commands run on-device and open conversation runs in the cloud. We are "
            "testing it in Gwangju taxis and in the shuttle of the demonstration building, and we want "
            "carmakers and voice platforms to bring it to millions of drivers."
        ),
        "offers": (
            "Korean speech recognition tuned for Gwangju and Jeolla dialects, a noise-robust in-car voice "
            "assistant SDK, a labelled dialect speech corpus, and results from taxi and shuttle pilots."
        ),
        "seeks": (
            "Integration with global voice platforms and in-car infotainment systems, pilots with automakers "
            "and tier-1 suppliers, Series A investment, cloud and GPU credits to train larger speech models, "
            "and content partners for in-car music and audiobooks."
        ),
        "sectors": ["automotive", "content"],
        "tags": ["voice ai", "speech recognition", "korean dialect", "in-car assistant"],
        "stage": "series_a",
        "raising_amount": 4_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI Convergence Complex)",
        "is_complex_tenant": True,
        "website": "https://soridrive.example.kr",
        "team_size": 32,
        "contact_email": "founders@soridrive.example.kr",
    },
    {
        "slug": "goround-robotics",
        "kind": "startup",
        "name": "GoRound Robotics",
        "description": (
            "GoRound Robotics builds autonomous vehicles for the last mile: sidewalk delivery robots for "
            "apartment complexes and campuses, and a low-speed twelve-seat autonomous shuttle for business "
            "parks. Our vehicles use lidar, cameras and HD maps we build ourselves, and a remote operations "
            "centre in Gwangju supervises the whole fleet. The shuttle runs a fixed loop around the AI "
            "complex and the demonstration building, carrying visitors and staff, while our delivery robots "
            "bring convenience-store and pharmacy orders to apartment complexes in Buk-gu. After several "
            "years of operation in mixed traffic we are ready to scale to other Korean cities and abroad."
        ),
        "offers": (
            "Autonomous sidewalk delivery robots and a low-speed autonomous shuttle, remote fleet operations "
            "software, HD maps of the complex area, and driving logs from mixed-traffic operation."
        ),
        "seeks": (
            "Retail and logistics partners for delivery, cities and campuses for new shuttle routes, "
            "simulation and GPU platforms for safety validation, Series B investors, and partners for "
            "expansion into Japan and the US."
        ),
        "sectors": ["automotive"],
        "tags": ["autonomous driving", "delivery robot", "autonomous shuttle", "robotics"],
        "stage": "series_b_plus",
        "raising_amount": 12_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI Convergence Complex)",
        "is_complex_tenant": True,
        "website": "https://goround.example.kr",
        "team_size": 68,
        "contact_email": "founders@goround.example.kr",
    },
    {
        "slug": "h2way",
        "kind": "startup",
        "name": "H2Way",
        "description": (
            "H2Way develops hydrogen fuel-cell powertrains for medium-duty trucks and mobile hydrogen "
            "refuelling units. Heavy trucks are hard to electrify with batteries alone, and hydrogen "
            "stations are still scarce outside the big cities. Our modular fuel-cell kit converts the diesel "
            "trucks used by local logistics firms, and our trailer-mounted refueller brings hydrogen to "
            "depots that have no station yet. Two converted trucks run daily between the Gwangsan industrial "
            "area and the Jeonnam coast, and a refuelling pilot is installed at the demonstration building. "
            "We want to show that zero-emission trucking can start now, with the trucks fleets already own."
        ),
        "offers": (
            "Fuel-cell retrofit kits for 5 to 12 tonne trucks, a mobile hydrogen refuelling unit, energy and "
            "route data from converted trucks, and engineering for hydrogen safety certification."
        ),
        "seeks": (
            "Logistics fleets for pilots, hydrogen producers and utilities, Series A investment, suppliers "
            "of fuel-cell stacks and high-pressure tanks, and introductions to US and European truck makers."
        ),
        "sectors": ["energy", "automotive"],
        "tags": ["hydrogen", "fuel cell", "trucking", "refuelling"],
        "stage": "series_a",
        "raising_amount": 6_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Gwangsan-gu",
        "is_complex_tenant": False,
        "website": "https://h2way.example.kr",
        "team_size": 24,
        "contact_email": "founders@h2way.example.kr",
    },
    {
        "slug": "mudeung-vision",
        "kind": "startup",
        "name": "무등비전 (Mudeung Vision)",
        "description": (
            "무등비전은 자율주행과 첨단운전자보조시스템(ADAS)을 위한 인지 소프트웨어와 학습 데이터를 만드는 "
            "회사입니다. 저희는 광주와 전남의 도심, 농촌 도로, 비 오는 밤길, 안개 낀 국도에서 직접 수집한 "
            "카메라·라이다·레이더 주행 데이터를 정제하고 라벨링해 완성차와 부품사에 공급하고, 이 데이터로 "
            "학습한 객체 인식·차선 인식 모델을 차량용 칩에 맞게 경량화해 판매합니다. 국가 AI 데이터센터의 "
            "GPU 자원으로 대규모 인지 모델을 학습하고 있으며, 실증동에서는 셔틀과 시험 차량에 저희 인지 "
            "모듈을 탑재해 실제 도로 조건에서 성능을 검증하고 있습니다. 국내 고객사와 여러 양산 프로젝트를 "
            "수행한 경험을 바탕으로 이제 해외 완성차 프로젝트에 본격적으로 참여하고자 합니다."
        ),
        "offers": (
            "광주·전남 지역의 카메라·라이다·레이더 주행 데이터셋, 데이터 라벨링 및 검수 서비스, 차량용 칩에 "
            "최적화된 객체·차선 인식 모델, 그리고 실증동 시험 차량을 통한 성능 검증 결과를 제공합니다."
        ),
        "seeks": (
            "해외 완성차·티어1 부품사와의 공동 프로젝트, 자율주행 시뮬레이션과 GPU 플랫폼 협력, 글로벌 "
            "진출을 위한 성장 단계 투자, 그리고 북미·유럽 현지 영업과 인증을 도와줄 파트너를 찾고 있습니다."
        ),
        "sectors": ["automotive"],
        "tags": ["autonomous driving", "adas", "sensor fusion", "training data"],
        "stage": "growth",
        "raising_amount": 30_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (Cheomdan)",
        "is_complex_tenant": True,
        "website": "https://mudeungvision.example.kr",
        "team_size": 120,
        "contact_email": "founders@mudeungvision.example.kr",
    },
    {
        "slug": "chargenest",
        "kind": "startup",
        "name": "ChargeNest",
        "description": (
            "ChargeNest helps apartment residents share a small number of EV chargers without queues or "
            "arguments. Most Korean apartment complexes have far more electric cars than chargers, and their "
            "old transformers cannot take many more. Our app lets residents book charging slots, and our "
            "load manager schedules charging overnight so that the building never exceeds its grid capacity. "
            "Residents are notified when their car is ready and pay per kWh through the app. We are piloting "
            "in two apartment complexes in Nam-gu and in the car park of the demonstration building, and we "
            "want to reach every ageing apartment complex in the country."
        ),
        "offers": (
            "An app and cloud service for booking shared EV chargers, load-balancing software that protects "
            "apartment transformers, and charging behaviour data from pilot apartment complexes."
        ),
        "seeks": (
            "Pre-seed investment, apartment management companies and charger makers as partners, integration "
            "with in-car and smart-home voice assistants, and cloud credits to run our scheduling service."
        ),
        "sectors": ["automotive", "energy"],
        "tags": ["ev charging", "load management", "apartments", "mobile app"],
        "stage": "pre_seed",
        "raising_amount": 400_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI startup building)",
        "is_complex_tenant": True,
        "website": "https://chargenest.example.kr",
        "team_size": 5,
        "contact_email": "founders@chargenest.example.kr",
    },
    {
        "slug": "blinkguard",
        "kind": "startup",
        "name": "BlinkGuard",
        "description": (
            "BlinkGuard is two founders, a former neurology resident and a computer vision engineer, who "
            "want cars to notice when their driver is in trouble. Drowsiness is a known cause of crashes, "
            "but sudden medical events such as fainting, seizures or a stroke at the wheel are almost never "
            "detected. We are building a driver-monitoring model that combines a cabin camera with "
            "steering-wheel sensors to spot both, and to bring the car to a safe stop and call for help. So "
            "far we have a working prototype on a driving simulator; next we want to collect real-world data "
            "with professional drivers and test in the vehicles of the demonstration building."
        ),
        "offers": (
            "A prototype driver-monitoring model for drowsiness and sudden loss of consciousness, a "
            "driving-simulator test setup, and clinical know-how on neurological events at the wheel."
        ),
        "seeks": (
            "A first angel or pre-seed cheque, a bus or taxi company willing to collect real-world data, "
            "access to the demonstration building's test vehicles, mentoring on automotive safety "
            "certification, and GPU credits."
        ),
        "sectors": ["automotive", "healthcare"],
        "tags": ["driver monitoring", "computer vision", "road safety", "health sensing"],
        "stage": "idea",
        "raising_amount": 150_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI startup building)",
        "is_complex_tenant": True,
        "website": "https://blinkguard.example.kr",
        "team_size": 2,
        "contact_email": "founders@blinkguard.example.kr",
    },
    {
        "slug": "forgeye",
        "kind": "startup",
        "name": "ForgeEye",
        "description": (
            "ForgeEye builds visual inspection AI for automotive parts factories. Our camera stations sit on "
            "production lines and check welds, paint, castings and assembled modules in real time, catching "
            "defects that tired human eyes miss. We started with parts suppliers in the Gwangsan-gu "
            "industrial area and now run inspection systems at dozens of plants across Korea. The business "
            "is profitable, so we are not raising money at the moment. Our next steps are inspection for "
            "battery cells and modules, and following our customers to their factories abroad. We are "
            "interested in the AI complex as a place to recruit engineers and to test new hardware."
        ),
        "offers": (
            "Vision inspection systems for welds, paint, castings and assembled parts, defect image datasets "
            "from production lines, and integration with factory MES and quality systems."
        ),
        "seeks": (
            "Global automotive and battery manufacturers to pilot with outside Korea, edge AI hardware "
            "partners, digital-twin platforms to simulate production lines, and computer vision engineers. "
            "Not raising at the moment."
        ),
        "sectors": ["automotive"],
        "tags": ["machine vision", "quality inspection", "manufacturing", "automotive parts"],
        "stage": "growth",
        "raising_amount": None,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Gwangsan-gu (Hanam Industrial Complex)",
        "is_complex_tenant": False,
        "website": "https://forgeye.example.kr",
        "team_size": 85,
        "contact_email": "contact@forgeye.example.kr",
    },
    {
        "slug": "homewatt",
        "kind": "startup",
        "name": "HomeWatt",
        "description": (
            "HomeWatt is a smart-home energy manager for Korean apartments and houses. A small hub connects "
            "to smart plugs, air conditioners, boilers, EV chargers and rooftop solar, learns the "
            "household's routines and shifts flexible loads to cheaper or greener hours without anyone "
            "noticing. Families see in our app what each appliance costs them and get simple tips. About "
            "three hundred households in Nam-gu apartments use HomeWatt today, and a model home in the "
            "demonstration building lets visitors and partners test the system. We want to make every home a "
            "small, flexible power plant that can help the grid on hot summer afternoons."
        ),
        "offers": (
            "A home energy management hub and app, appliance-level consumption data from pilot households, "
            "and integration APIs for air conditioners, boilers, EV chargers and rooftop solar inverters."
        ),
        "seeks": (
            "Integration with smart-home platforms and voice assistants, appliance makers, utilities running "
            "demand-response programmes, seed investment, and cloud credits."
        ),
        "sectors": ["energy"],
        "tags": ["smart home", "home energy", "demand response", "iot"],
        "stage": "seed",
        "raising_amount": 1_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI Convergence Complex)",
        "is_complex_tenant": True,
        "website": "https://homewatt.example.kr",
        "team_size": 11,
        "contact_email": "founders@homewatt.example.kr",
    },
    {
        "slug": "haetsal-grid",
        "kind": "startup",
        "name": "햇살그리드 (Haetsal Grid)",
        "description": (
            "햇살그리드는 태양광 발전량 예측과 가상발전소(VPP) 플랫폼을 만드는 에너지 AI 스타트업입니다. "
            "광주와 전남에는 수많은 소규모 태양광 발전소가 흩어져 있지만, 날씨에 따라 출력이 크게 변해 "
            "전력망 운영에 부담이 되고 발전 사업자는 예측 오차 때문에 손해를 보기도 합니다. 저희는 기상 위성 "
            "영상, 수치예보, 발전소 현장 센서 데이터를 결합한 딥러닝 모델로 한 시간 뒤부터 다음 날까지의 "
            "발전량을 예측하고, 여러 발전소를 하나로 묶어 전력 시장에 입찰합니다. 현재 실증동의 건물 부하와 "
            "ESS를 연계한 VPP 실증을 진행하고 있으며, 예측 정확도를 높여 재생에너지가 늘어나도 흔들리지 않는 "
            "전력망을 만드는 것이 목표입니다."
        ),
        "offers": (
            "태양광 발전량 예측 모델(1시간 후부터 익일까지), 소규모 발전소를 통합 관리하는 VPP 플랫폼, "
            "광주·전남 수백 개 발전소의 발전량·기상 데이터, 실증동 연계 VPP 실증 결과를 제공합니다."
        ),
        "seeks": (
            "에너지저장장치(ESS)와 전기차 충전 사업자와의 연계, 전력망 디지털 트윈과 클라우드 협력, 시리즈 A "
            "투자, 그리고 해외 재생에너지 시장 진출을 함께할 파트너를 찾고 있습니다. 특히 예측 모델 고도화를 "
            "위한 GPU 자원이 필요합니다."
        ),
        "sectors": ["energy"],
        "tags": ["solar forecasting", "virtual power plant", "renewables", "grid"],
        "stage": "series_a",
        "raising_amount": 5_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (Cheomdan)",
        "is_complex_tenant": True,
        "website": "https://haetsalgrid.example.kr",
        "team_size": 27,
        "contact_email": "founders@haetsalgrid.example.kr",
    },
    {
        "slug": "coolloop",
        "kind": "startup",
        "name": "쿨루프 (CoolLoop)",
        "description": (
            "쿨루프는 데이터센터의 냉각 에너지를 줄이는 AI 회사입니다. AI 학습용 GPU 서버는 기존 서버보다 "
            "훨씬 많은 열을 내기 때문에, 냉각 설비가 데이터센터 전체 전력의 큰 부분을 차지합니다. 저희는 "
            "서버실의 온도, 기류, 전력 데이터를 실시간으로 수집해 디지털 트윈을 만들고, 강화학습으로 "
            "냉동기·펌프·팬의 운전 조건을 최적화합니다. 또한 수랭과 액침 냉각 설계를 돕고, 버려지는 열을 "
            "인근 건물 난방에 쓰는 폐열 회수 시스템도 설계합니다. 단지 내 데이터센터 환경과 실증동의 냉각 "
            "설비에서 성능을 검증했으며, 이제 국내외 대형 데이터센터로 사업을 넓히려 합니다."
        ),
        "offers": (
            "데이터센터 냉각 최적화 AI 소프트웨어, 서버실 온도·전력 디지털 트윈, 수랭·액침 냉각 설계 컨설팅, "
            "폐열 회수 시스템 설계, 그리고 실증 설비에서 얻은 운영 데이터를 제공합니다."
        ),
        "seeks": (
            "GPU 서버 제조사와 클라우드 사업자와의 공동 실증, 디지털 트윈 플랫폼 협력, 해외 데이터센터 고객, "
            "그리고 사업 확장을 위한 시리즈 B 투자를 찾고 있습니다. 폐열을 활용할 인근 건물과 지역 난방 "
            "사업자와의 협력도 원합니다."
        ),
        "sectors": ["energy"],
        "tags": ["data centre cooling", "energy efficiency", "digital twin", "reinforcement learning"],
        "stage": "series_b_plus",
        "raising_amount": 15_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI Convergence Complex)",
        "is_complex_tenant": True,
        "website": "https://coolloop.example.kr",
        "team_size": 46,
        "contact_email": "founders@coolloop.example.kr",
    },
    {
        "slug": "gridtwin-labs",
        "kind": "startup",
        "name": "GridTwin Labs",
        "description": (
            "GridTwin Labs builds digital twins of city distribution grids. As people install heat pumps, "
            "rooftop solar and EV chargers, local transformers and cables reach their limits long before "
            "planners expect it. Our founders, power engineers who left a utility to start the company, "
            "built a simulation model of an entire Dong-gu neighbourhood from open data, building records "
            "and smart-meter samples. It shows where the grid can take new chargers and solar today and "
            "where it will need reinforcement in five years. We now want to validate the twin against real "
            "measurements and offer it to cities and utilities."
        ),
        "offers": (
            "A distribution-grid digital twin built from public and utility data, hosting-capacity maps for "
            "EV chargers and solar, and scenario simulations for city planners."
        ),
        "seeks": (
            "GPU and simulation platform access, a utility or city partner to validate the twin, pre-seed "
            "investment, and support with public-sector go-to-market."
        ),
        "sectors": ["energy"],
        "tags": ["digital twin", "power grid", "simulation", "smart city"],
        "stage": "pre_seed",
        "raising_amount": 500_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Dong-gu",
        "is_complex_tenant": False,
        "website": "https://gridtwin.example.kr",
        "team_size": 4,
        "contact_email": "founders@gridtwin.example.kr",
    },
    {
        "slug": "peakshift",
        "kind": "startup",
        "name": "피크시프트 (PeakShift)",
        "description": (
            "피크시프트는 산업단지 중소 제조업체의 전기요금을 줄이는 아이디어에서 출발한 팀입니다. 광산구 "
            "산업단지의 많은 공장은 압축기, 열처리로, 사출기 같은 설비를 한꺼번에 돌리다 보니 짧은 피크 "
            "때문에 높은 기본요금을 내고 있습니다. 저희는 설비별 전력 센서와 AI 스케줄러로 생산 일정에 "
            "지장을 주지 않으면서 피크 부하를 분산하고, 남는 유연성을 수요반응(DR) 시장에 판매하는 서비스를 "
            "구상하고 있습니다. 아직 제품은 없지만, 공장 세 곳을 방문해 전력 사용 패턴을 조사했고 절감 "
            "가능성을 확인했습니다. 이제 첫 실증 공장과 초기 투자를 찾고 있습니다."
        ),
        "offers": (
            "공장 설비별 전력 측정 센서 설계안, 피크 부하 예측과 설비 운전 스케줄링 알고리즘 시제품, 광산구 "
            "중소 제조업체 세 곳의 사전 조사 데이터, 그리고 제조 현장 출신 창업자의 설비 운영 노하우를 "
            "제공합니다."
        ),
        "seeks": (
            "실증에 참여할 산업단지 입주 기업, 수요반응(DR) 사업자와 전력 분야 멘토, 초기 엔젤 투자, 그리고 "
            "데이터 분석을 위한 클라우드 크레딧을 찾고 있습니다. 에너지 분야 경험이 있는 공동 창업자도 "
            "함께하고 싶습니다."
        ),
        "sectors": ["energy"],
        "tags": ["demand response", "factory energy", "sme", "peak load"],
        "stage": "idea",
        "raising_amount": 200_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Gwangsan-gu",
        "is_complex_tenant": False,
        "website": "https://peakshift.example.kr",
        "team_size": 3,
        "contact_email": "founders@peakshift.example.kr",
    },
    {
        "slug": "carbonledger",
        "kind": "startup",
        "name": "CarbonLedger",
        "description": (
            "CarbonLedger measures the energy use and carbon footprint of manufacturers, so that small "
            "suppliers can answer the questions their global customers now ask. Automakers and battery "
            "makers increasingly require emissions data from every tier of their supply chain, and most "
            "small factories have no one to produce it. We connect to electricity and gas meters, read "
            "invoices automatically and calculate product carbon footprints for parts and battery "
            "components, in formats that customers abroad accept. We then recommend efficiency measures and "
            "renewable power contracts. Hundreds of factories in Gwangju and beyond use CarbonLedger, and we "
            "are raising to expand into Southeast Asia."
        ),
        "offers": (
            "Energy and carbon accounting software for manufacturers, product carbon footprints for auto "
            "parts and battery components, and meter-level energy data from hundreds of factories."
        ),
        "seeks": (
            "Global automakers and battery makers that require supplier emissions data, energy-efficiency "
            "and renewable power partners, cloud partners, and Series B investors."
        ),
        "sectors": ["energy"],
        "tags": ["carbon accounting", "esg", "manufacturing", "supply chain"],
        "stage": "series_b_plus",
        "raising_amount": 10_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Gwangsan-gu (Cheomdan)",
        "is_complex_tenant": True,
        "website": "https://carbonledger.example.kr",
        "team_size": 40,
        "contact_email": "founders@carbonledger.example.kr",
    },
    {
        "slug": "lungsight",
        "kind": "startup",
        "name": "LungSight",
        "description": (
            "LungSight reads chest X-rays and low-dose CT scans with AI. Our models flag lung nodules, "
            "tuberculosis, pneumonia and emphysema, measure nodule growth between scans, and sort the "
            "worklist so that urgent cases reach a radiologist first. They were trained on de-identified "
            "images from partner hospitals under ethics approval and are used as a second reader in "
            "hospitals and health screening centres in Gwangju and Jeonnam. We are also running a mobile "
            "screening pilot for rural villages, where a truck with an X-ray unit sends images to our cloud "
            "and results come back within minutes. We want to take LungSight to hospitals abroad."
        ),
        "offers": (
            "AI software for chest X-ray and low-dose CT reading, PACS integration, de-identified annotated "
            "imaging data for research collaborations, and clinical validation results from partner "
            "hospitals."
        ),
        "seeks": (
            "Series A investment, GPU computing and medical imaging platform support, hospitals abroad for "
            "clinical validation, cloud infrastructure that meets healthcare data rules, and advice on US "
            "FDA clearance."
        ),
        "sectors": ["healthcare"],
        "tags": ["medical imaging", "chest x-ray", "ct", "radiology ai"],
        "stage": "series_a",
        "raising_amount": 7_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI Convergence Complex)",
        "is_complex_tenant": True,
        "website": "https://lungsight.example.kr",
        "team_size": 38,
        "contact_email": "founders@lungsight.example.kr",
    },
    {
        "slug": "ongi-care",
        "kind": "startup",
        "name": "온기케어 (Ongi Care)",
        "description": (
            "온기케어는 홀로 사는 어르신을 위한 AI 음성 말벗 서비스를 만듭니다. 어르신은 집에 놓인 "
            "스피커에게 사투리 그대로 말을 걸면 되고, AI는 안부를 묻고 옛날이야기를 나누며 복약 시간과 병원 "
            "예약을 알려 드립니다. 대화 속 말의 속도, 머뭇거림, 단어 선택 같은 음성 특징을 분석해 인지 기능 "
            "저하의 초기 신호를 찾아내고, 변화가 감지되면 보호자와 돌봄 기관에 알립니다. 현재 남구의 "
            "복지관과 함께 어르신 가정에서 실증을 하고 있으며, 실증동에서는 돌봄 로봇과의 연동을 시험하고 "
            "있습니다. 외로움과 치매를 함께 돌보는 따뜻한 기술을 만드는 것이 저희의 목표입니다."
        ),
        "offers": (
            "어르신 맞춤 AI 음성 말벗 서비스, 대화 음성 기반 인지 저하 선별 모델, 돌봄 기관용 관제 대시보드, "
            "그리고 남구 복지관과 함께한 가정 실증 데이터, 그리고 전라도 사투리로 대화하는 어르신 음성 "
            "모델을 제공합니다."
        ),
        "seeks": (
            "스마트 스피커와 음성 플랫폼 연동, 지자체·보건소 돌봄 사업 협력, 시드 투자, 그리고 의료·개인정보 "
            "보안 기준을 충족하는 클라우드 지원을 찾고 있습니다. 치매 조기 선별 효과를 검증할 대학병원 연구 "
            "파트너도 원합니다."
        ),
        "sectors": ["healthcare"],
        "tags": ["elder care", "dementia", "voice companion", "speech biomarkers"],
        "stage": "seed",
        "raising_amount": 1_200_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Nam-gu",
        "is_complex_tenant": True,
        "website": "https://ongicare.example.kr",
        "team_size": 9,
        "contact_email": "founders@ongicare.example.kr",
    },
    {
        "slug": "pathmind",
        "kind": "startup",
        "name": "패스마인드 (PathMind)",
        "description": (
            "패스마인드는 디지털 병리 AI 기업입니다. 병리 의사는 현미경으로 조직 슬라이드를 한 장씩 보며 "
            "암을 진단하는데, 판독해야 할 슬라이드는 늘어나고 병리 전문의는 부족합니다. 저희는 슬라이드를 "
            "고해상도로 스캔한 전체 슬라이드 이미지에서 위암, 대장암, 유방암 병변을 찾아내고 등급을 "
            "분류하며, 면역조직화학 염색을 정량 분석하는 AI를 개발했습니다. 대학병원 병리과와 함께 임상 "
            "검증을 마쳤고, 병리 전문의가 없는 지역 병원을 위한 원격 판독 플랫폼도 운영하고 있습니다. 이제 "
            "해외 병원과 제약사의 임상시험 바이오마커 분석으로 사업을 넓히려 합니다."
        ),
        "offers": (
            "위암·대장암·유방암 병리 슬라이드 판독 보조 AI, 면역조직화학 정량 분석 도구, 원격 병리 판독 "
            "플랫폼, 그리고 전문의가 주석을 단 대규모 전체 슬라이드 이미지 데이터를 제공합니다."
        ),
        "seeks": (
            "대용량 이미지 학습을 위한 GPU 자원과 의료 AI 플랫폼 협력, 해외 병원·제약사와의 공동 연구, "
            "글로벌 인허가 경험을 가진 파트너, 그리고 해외 진출을 위한 후속 투자를 찾고 있습니다. 미국 FDA "
            "인허가 자문도 필요합니다."
        ),
        "sectors": ["healthcare"],
        "tags": ["digital pathology", "cancer", "whole slide imaging", "medical ai"],
        "stage": "series_b_plus",
        "raising_amount": 20_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Dong-gu",
        "is_complex_tenant": False,
        "website": "https://pathmind.example.kr",
        "team_size": 55,
        "contact_email": "founders@pathmind.example.kr",
    },
    {
        "slug": "remotion-rehab",
        "kind": "startup",
        "name": "ReMotion",
        "description": (
            "ReMotion brings rehabilitation home. After a stroke or a knee replacement, patients need weeks "
            "of exercise, but travelling to a clinic several times a week is hard, especially for older "
            "people outside the city. Our soft wearable sleeves with motion sensors track each exercise, and "
            "a tablet app turns the programme into short, game-like sessions with real-time feedback on "
            "range of motion and posture. Physiotherapists follow progress remotely and adjust the plan. We "
            "run a pilot with a rehabilitation hospital in Seo-gu and have a test room in the demonstration "
            "building, and we want to prove that remote rehab gives the same results at lower cost."
        ),
        "offers": (
            "Wearable motion sensors and a home rehabilitation app, a remote monitoring dashboard for "
            "therapists, and motion and adherence data from post-stroke and knee-surgery patients."
        ),
        "seeks": (
            "Rehabilitation hospitals and insurers for pilots, seed investment, healthcare cloud and AI "
            "platform support, and game or content studios that can make exercises more engaging."
        ),
        "sectors": ["healthcare"],
        "tags": ["rehabilitation", "wearables", "remote care", "physiotherapy"],
        "stage": "seed",
        "raising_amount": 900_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Seo-gu",
        "is_complex_tenant": True,
        "website": "https://remotion.example.kr",
        "team_size": 12,
        "contact_email": "founders@remotion.example.kr",
    },
    {
        "slug": "maumgyeol",
        "kind": "startup",
        "name": "마음결 (Maumgyeol)",
        "description": (
            "마음결은 청소년과 대학생의 마음 건강을 돕는 대화형 AI 서비스를 만들고 있습니다. 불안과 우울을 "
            "겪는 청년은 많지만 상담실 문을 두드리기까지는 오랜 시간이 걸립니다. 저희 챗봇은 "
            "인지행동치료(CBT) 원리에 따라 감정을 기록하고 생각의 패턴을 함께 살펴보도록 돕고, 웹툰 형식의 "
            "짧은 이야기로 마음 건강 지식을 친근하게 전달합니다. 위험 신호가 감지되면 대학 상담센터와 전문 "
            "기관으로 바로 연결합니다. 임상심리 전문가와 함께 대화 시나리오를 만들었고, 광주의 대학 두 "
            "곳에서 학생들과 시범 운영을 준비하고 있습니다. 누구나 부담 없이 마음을 털어놓을 수 있는 첫 번째 "
            "창구가 되고 싶습니다."
        ),
        "offers": (
            "인지행동치료(CBT) 기반 대화형 마음 건강 챗봇, 웹툰 형식의 심리 교육 콘텐츠, 대학 상담센터와 "
            "연계되는 위기 감지 알림 기능, 임상 전문가와 함께 설계한 대화 시나리오를 제공합니다."
        ),
        "seeks": (
            "대학·교육청·지자체 상담 기관 등 실증처, 임상 전문가 자문, 프리시드 투자, 생성형 AI 답변의 "
            "안전성 검증을 함께할 기술 파트너와 클라우드 크레딧을 찾고 있습니다. 청소년 대상 콘텐츠를 함께 "
            "만들 웹툰 작가도 환영합니다."
        ),
        "sectors": ["healthcare", "content"],
        "tags": ["mental health", "chatbot", "youth", "digital therapeutics"],
        "stage": "pre_seed",
        "raising_amount": 350_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Dong-gu",
        "is_complex_tenant": True,
        "website": "https://maumgyeol.example.kr",
        "team_size": 4,
        "contact_email": "founders@maumgyeol.example.kr",
    },
    {
        "slug": "chartvoice",
        "kind": "startup",
        "name": "ChartVoice",
        "description": (
            "ChartVoice turns doctor-patient conversations into clinical notes. Korean doctors speak a mix "
            "of Korean and English medical terms, which general speech recognition handles poorly; our "
            "models are trained for exactly this. During a consultation ChartVoice listens with consent, "
            "transcribes, and drafts a structured note that the doctor reviews and signs in the electronic "
            "medical record. Hospitals across Korea use it in outpatient clinics, emergency rooms and "
            "radiology reporting, and it runs on hospital premises or in a private cloud. The company is "
            "profitable and not raising; we are looking for partners to expand abroad."
        ),
        "offers": (
            "Speech recognition and AI summarisation for clinical notes in mixed Korean and English medical "
            "terminology, EMR integration, and deployment on hospital premises or in a private cloud."
        ),
        "seeks": (
            "Partners for expansion to Japan and Southeast Asia, language model and cloud partners with "
            "healthcare compliance, EMR vendors, and hospitals that want to pilot ambient note-taking. Not "
            "raising at the moment."
        ),
        "sectors": ["healthcare"],
        "tags": ["clinical documentation", "speech recognition", "emr", "generative ai"],
        "stage": "growth",
        "raising_amount": None,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Seo-gu",
        "is_complex_tenant": False,
        "website": "https://chartvoice.example.kr",
        "team_size": 90,
        "contact_email": "partners@chartvoice.example.kr",
    },
    {
        "slug": "mediroute",
        "kind": "startup",
        "name": "MediRoute",
        "description": (
            "MediRoute helps ambulances reach the right hospital faster. Today paramedics often phone "
            "several emergency rooms before finding one that can take a patient, while traffic makes every "
            "minute count. Our software predicts which emergency rooms have capacity for a given condition, "
            "combines this with live traffic to recommend the best destination and route, and can request "
            "green-light priority at signalised junctions. We have simulated a year of emergency calls on "
            "Gwangju's road network and shown large time savings, and we now want to run a live pilot with "
            "the fire service and hospitals."
        ),
        "offers": (
            "Routing and hospital-matching software for ambulances, predictive models of emergency-room "
            "availability, and simulation results on Gwangju road network data."
        ),
        "seeks": (
            "Fire and emergency services and hospitals for a pilot, city traffic data and signal-priority "
            "integration, pre-seed investment, and public-sector cloud support."
        ),
        "sectors": ["healthcare", "automotive"],
        "tags": ["emergency care", "ambulance routing", "smart city", "mobility"],
        "stage": "pre_seed",
        "raising_amount": 450_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI startup building)",
        "is_complex_tenant": True,
        "website": "https://mediroute.example.kr",
        "team_size": 7,
        "contact_email": "founders@mediroute.example.kr",
    },
    {
        "slug": "glucomate",
        "kind": "startup",
        "name": "GlucoMate",
        "description": (
            "GlucoMate is a diabetes coaching app built around the Korean table. It connects to continuous "
            "glucose monitors and recognises meals from a photo, including rice, stews and the many side "
            "dishes that Western food databases get wrong. Users see how each meal moves their glucose and "
            "get personal suggestions, such as eating vegetables first or walking after dinner, while their "
            "clinic sees a summary before each visit. Clinics in Gwangju use GlucoMate with patients who "
            "have type 2 diabetes, and we are preparing an outcome study with a university hospital. We want "
            "to bring the app to Korean communities and Asian diets abroad."
        ),
        "offers": (
            "A diabetes coaching app combining continuous glucose monitor data with meal photo recognition "
            "trained on Korean dishes, a clinician dashboard, and anonymised glucose-response data."
        ),
        "seeks": (
            "Clinics and insurers for outcome studies, glucose monitor makers, Series A investment, and "
            "healthcare cloud and AI platform support for expansion abroad."
        ),
        "sectors": ["healthcare"],
        "tags": ["diabetes", "cgm", "nutrition", "digital health"],
        "stage": "series_a",
        "raising_amount": 3_500_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Nam-gu",
        "is_complex_tenant": False,
        "website": "https://glucomate.example.kr",
        "team_size": 20,
        "contact_email": "founders@glucomate.example.kr",
    },
    {
        "slug": "beatbridge",
        "kind": "startup",
        "name": "BeatBridge",
        "description": (
            "BeatBridge is a music streaming and discovery app for K-indie artists. Big platforms recommend "
            "what is already popular, so independent bands from Gwangju and other regional scenes are rarely "
            "heard. Our recommendation engine combines listening behaviour with audio embeddings of the "
            "songs themselves, so a listener who loves a famous K-pop ballad can discover an indie "
            "singer-songwriter with a similar sound. Artists get a fairer revenue share, direct tips from "
            "fans and a listing of their live gigs. We launched a beta with local artists and live venues in "
            "Dong-gu and want to bring K-indie to fans around the world."
        ),
        "offers": (
            "A streaming and discovery app for K-indie music, an audio-embedding recommendation engine, a "
            "growing catalogue of independent artists from Gwangju and beyond, and listening data from early "
            "users."
        ),
        "seeks": (
            "Pre-seed investment, music labels and live venues, in-car and smart-speaker integrations for "
            "playlists, cloud credits, and partners for global distribution to fans abroad."
        ),
        "sectors": ["content"],
        "tags": ["music streaming", "music recommendation", "k-indie", "creator economy"],
        "stage": "pre_seed",
        "raising_amount": 300_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Dong-gu",
        "is_complex_tenant": True,
        "website": "https://beatbridge.example.kr",
        "team_size": 6,
        "contact_email": "founders@beatbridge.example.kr",
    },
    {
        "slug": "geurimnarae-studio",
        "kind": "startup",
        "name": "그림나래 스튜디오 (Geurimnarae Studio)",
        "description": (
            "그림나래 스튜디오는 웹툰과 애니메이션을 위한 생성형 AI 스튜디오입니다. 웹툰 작가는 매주 수십 "
            "컷을 그리면서 채색과 배경 작업에 많은 시간을 쓰고, 인기 웹툰을 애니메이션으로 만드는 데는 큰 "
            "비용이 듭니다. 저희는 작가 본인의 화풍을 학습해 채색과 배경을 제안하고, 여러 컷에서 캐릭터의 "
            "얼굴과 옷이 일관되게 유지되도록 돕는 제작 도구를 만듭니다. 또 웹툰 원고를 숏폼 애니메이션으로 "
            "바꾸는 파이프라인을 개발해 자체 원작 IP로 작품을 제작하고 있습니다. 모든 학습 데이터는 권리 "
            "처리가 된 자체 작품과 계약 작가의 그림만 사용하며, 작가의 손을 대신하는 것이 아니라 작가가 "
            "이야기에 집중하도록 돕는 것이 목표입니다."
        ),
        "offers": (
            "작가 화풍을 학습하는 웹툰 채색·배경 생성 도구, 캐릭터 일관성 유지 기능, 웹툰을 숏폼 "
            "애니메이션으로 전환하는 파이프라인, 자체 보유 원작 IP와 권리 처리된 학습 데이터를 제공합니다."
        ),
        "seeks": (
            "영상 생성 모델 학습을 위한 GPU 자원, 글로벌 웹툰·OTT 플랫폼 유통 파트너, 시리즈 A 투자, 그리고 "
            "작가 저작권을 보호하는 워터마크·출처 표시 기술 협력을 찾고 있습니다."
        ),
        "sectors": ["content"],
        "tags": ["webtoon", "animation", "generative ai", "creator tools"],
        "stage": "series_a",
        "raising_amount": 4_500_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI Convergence Complex)",
        "is_complex_tenant": True,
        "website": "https://geurimnarae.example.kr",
        "team_size": 30,
        "contact_email": "founders@geurimnarae.example.kr",
    },
    {
        "slug": "stagewave",
        "kind": "startup",
        "name": "StageWave",
        "description": (
            "StageWave runs virtual concerts and fan spaces for K-pop. Artists perform in our motion and "
            "volumetric capture studio in the complex, and their avatars appear live on stage in a 3D venue "
            "where fans from any country can gather, cheer with light sticks, dance together and meet the "
            "members after the show. Between concerts, fan communities use the same space for birthday "
            "events and listening parties. We work with mid-sized entertainment agencies whose artists have "
            "loyal fans abroad but cannot tour everywhere. Our next step is higher-fidelity real-time "
            "rendering and mixed-reality viewing."
        ),
        "offers": (
            "A virtual concert platform with real-time avatar performances, a motion and volumetric capture "
            "studio in the complex, fan engagement tools, and anonymised fan interaction data."
        ),
        "seeks": (
            "Real-time rendering and GPU cloud partners, K-pop agencies and global fan platforms, Series B "
            "investors, and telecom or headset partners for immersive viewing."
        ),
        "sectors": ["content"],
        "tags": ["k-pop", "metaverse", "virtual concert", "real-time 3d"],
        "stage": "series_b_plus",
        "raising_amount": 18_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Buk-gu (AI Convergence Complex)",
        "is_complex_tenant": True,
        "website": "https://stagewave.example.kr",
        "team_size": 60,
        "contact_email": "founders@stagewave.example.kr",
    },
    {
        "slug": "dubplanet",
        "kind": "startup",
        "name": "DubPlanet",
        "description": (
            "DubPlanet localises Korean dramas, documentaries and creator videos with AI. Our pipeline "
            "transcribes and translates the dialogue, generates dubbing in the original actors' voices where "
            "they have consented, and adjusts lip movements so that the dubbed version looks natural. "
            "Professional translators and voice directors review every title before delivery. Broadcasters, "
            "distributors and YouTube creators use DubPlanet to release in many languages at once instead of "
            "months later. We are profitable and not raising, and we are looking for platform partners "
            "abroad and better speech and video models."
        ),
        "offers": (
            "AI dubbing and subtitling into many languages with consented voice cloning and lip-sync, "
            "human-in-the-loop review, and a parallel speech corpus of Korean media."
        ),
        "seeks": (
            "Streaming platforms and broadcasters abroad, speech and video generation model partners, GPU "
            "capacity for peak workloads, and voice actors' associations to build fair licensing. Not "
            "raising at the moment."
        ),
        "sectors": ["content"],
        "tags": ["ai dubbing", "localisation", "voice cloning", "media"],
        "stage": "growth",
        "raising_amount": None,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Nam-gu",
        "is_complex_tenant": False,
        "website": "https://dubplanet.example.kr",
        "team_size": 75,
        "contact_email": "hello@dubplanet.example.kr",
    },
    {
        "slug": "lightcanvas",
        "kind": "startup",
        "name": "LightCanvas",
        "description": (
            "LightCanvas is three media artists and a developer who want to make generative media art easier "
            "to create and show. Gwangju has a strong media-art scene, but interactive works still need "
            "custom code for every exhibition. We are designing a toolkit that turns sound, movement and "
            "live city data into generative visuals for projection mapping on buildings and rooms, so that "
            "artists can compose instead of program. We have made two prototype installations for small "
            "galleries in Dong-gu and want to test a larger piece on the facade of the demonstration "
            "building before we decide whether to become a company."
        ),
        "offers": (
            "Prototype interactive projection artworks, an early generative visuals engine that reacts to "
            "sound and movement, and a network of local media artists."
        ),
        "seeks": (
            "A first small investment or grant, venues and festivals for showcases, GPU access for real-time "
            "generation, and a technical co-founder with graphics programming experience."
        ),
        "sectors": ["content"],
        "tags": ["media art", "generative ai", "projection mapping", "interactive"],
        "stage": "idea",
        "raising_amount": 120_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Dong-gu",
        "is_complex_tenant": True,
        "website": "https://lightcanvas.example.kr",
        "team_size": 3,
        "contact_email": "founders@lightcanvas.example.kr",
    },
    {
        "slug": "noriter-lab",
        "kind": "startup",
        "name": "놀이터랩 (Noriter Lab)",
        "description": (
            "놀이터랩은 게임 속 캐릭터가 진짜 사람처럼 말하게 만드는 게임 AI 스타트업입니다. 대부분의 게임 "
            "NPC는 정해진 대사만 반복하지만, 저희 엔진은 캐릭터의 성격과 게임 상황에 맞춰 자연스러운 한국어 "
            "대화를 생성하고, 기쁨·분노· 슬픔 같은 감정을 담은 목소리로 들려줍니다. 유니티와 언리얼용 "
            "플러그인으로 제공해 작은 인디 개발사도 쉽게 쓸 수 있고, 추론 비용을 낮추기 위해 모델 경량화에 "
            "힘쓰고 있습니다. 동시에 광주의 골목과 음식, 사투리를 담은 어드벤처 게임을 직접 만들며 엔진을 "
            "검증하고 있습니다. 성우와 공정한 음성 라이선스 계약을 맺고 목소리를 사용합니다."
        ),
        "offers": (
            "게임 NPC용 대화 생성·감정 음성 합성 엔진, 유니티·언리얼 플러그인, 한국어 게임 대사 데이터셋, "
            "그리고 자체 개발 중인 광주 배경 어드벤처 게임의 플레이 데이터를 제공합니다."
        ),
        "seeks": (
            "GPU 추론 비용을 줄여 줄 클라우드·하드웨어 파트너, 국내외 게임 퍼블리셔, 시드 투자, 그리고 "
            "성우와의 공정한 음성 라이선스 모델을 함께 만들 협력사를 찾고 있습니다. 해외 출시를 위한 현지화 "
            "파트너도 필요합니다."
        ),
        "sectors": ["content"],
        "tags": ["game ai", "npc", "voice synthesis", "indie games"],
        "stage": "seed",
        "raising_amount": 800_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Seo-gu",
        "is_complex_tenant": True,
        "website": "https://noriterlab.example.kr",
        "team_size": 10,
        "contact_email": "founders@noriterlab.example.kr",
    },
    {
        "slug": "roadpulse",
        "kind": "startup",
        "name": "RoadPulse",
        "description": (
            "RoadPulse finds road damage before it damages cars. We install small AI cameras in city buses "
            "and taxis that detect potholes, cracks, faded lane markings and broken signs while the vehicles "
            "drive their normal routes. Detections are geolocated, de-duplicated and shown on a live map "
            "that road departments use to plan repairs, with blurred faces and licence plates to protect "
            "privacy. A pilot with buses in Seo-gu covered most of the district's main roads every week. We "
            "want to cover the whole city, then other regions, and share road condition data with navigation "
            "and autonomous driving companies."
        ),
        "offers": (
            "Road damage detection from dashcam video, a live map of potholes and faded lane markings, and a "
            "labelled dataset of Korean road defects."
        ),
        "seeks": (
            "City and provincial road authorities, bus and taxi fleets to host cameras, seed investment, and "
            "public-sector cloud and AI support to scale nationally."
        ),
        "sectors": ["automotive"],
        "tags": ["road maintenance", "dashcam", "computer vision", "smart city"],
        "stage": "seed",
        "raising_amount": 1_000_000,
        "raising_currency": "USD",
        "investor_stages": [],
        "ticket_min": None,
        "ticket_max": None,
        "ticket_currency": "USD",
        "location": "Gwangju, Seo-gu",
        "is_complex_tenant": False,
        "website": "https://roadpulse.example.kr",
        "team_size": 8,
        "contact_email": "founders@roadpulse.example.kr",
    },
]
