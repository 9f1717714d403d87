"""The preset dictionary of packed document text, format 1 (see `app.store.textpack`).

zlib compresses a short text poorly on its own: the first use of every word costs its full
length. Seeded with words and phrases that most resumes share, each text starts with those
already "seen". Never change this text: every stored text of format 1 needs it, byte for
byte, to be read again. A better dictionary is a new format with a new first byte.
"""

# Later parts are matched at shorter distances, so the most common words come last.
DICTIONARY_V1 = (
    "Curriculum Vitae Personal Statement Professional Profile Objective Career Summary "
    "Core Competencies Key Skills Technical Skills Soft Skills Languages Certifications "
    "Licenses Awards Honours Publications Projects Volunteer Experience Interests Hobbies "
    "References available on request. Professional Experience Work History Employment "
    "Education and Training Qualifications Courses Memberships Affiliations "
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Present Current to date "
    "Bachelor of Science Bachelor of Arts Master of Science Master of Business Administration "
    "MBA BSc BA MSc PhD Diploma Associate Degree High School University College Institute "
    "Department School of Business Engineering Computer Science Information Technology "
    "Marketing Finance Accounting Economics Management Operations Human Resources Sales "
    "Customer Service Support Administration Healthcare Nursing Education Design Analytics "
    "Software Engineer Developer Senior Junior Lead Principal Staff Manager Director "
    "Head of Vice President Coordinator Specialist Analyst Consultant Associate Assistant "
    "Officer Administrator Representative Executive Intern Supervisor Team Leader "
    "Responsible for responsibilities included achievements include accomplishments "
    "Managed Led Developed Designed Implemented Created Built Delivered Improved Increased "
    "Reduced Launched Established Coordinated Supported Collaborated Oversaw Trained "
    "Mentored Analysed Analyzed Organised Organized Negotiated Prepared Maintained Ensured "
    "Streamlined Automated Optimised Optimized Migrated Introduced Drove Partnered Owned "
    "cross-functional teams stakeholders clients customers vendors partners executives "
    "revenue growth cost savings efficiency productivity quality performance satisfaction "
    "process processes project projects programme program product products service services "
    "strategy strategic planning budget budgets forecasting reporting reports compliance "
    "operations operational business development account management relationship "
    "communication interpersonal problem-solving leadership teamwork time management "
    "attention to detail detail-oriented results-driven self-motivated fast-paced environment "
    "Microsoft Office Excel Word PowerPoint Outlook Google Workspace Salesforce SAP Oracle "
    "SQL Python Java JavaScript TypeScript React Node.js AWS Azure Docker Kubernetes Git "
    "Agile Scrum Jira Confluence Tableau Power BI HubSpot Zendesk QuickBooks NetSuite "
    "English Spanish French German Mandarin Chinese Portuguese Italian Arabic Hindi Japanese "
    "fluent native conversational proficient intermediate basic working knowledge "
    "Inc. Ltd. LLC Corp. Company Group Limited Solutions Systems Technologies Services "
    "Phone Email LinkedIn linkedin.com/in/ github.com Address City State Remote Hybrid "
    "years of experience year experience in with the and of to for a an on at by from as "
    "including across within over under through team teams using new key high "
    "the company the team the business the project the client the customer the department "
    "worked closely with responsible for the development and implementation of "
    "successfully ensuring providing supporting managing leading developing working "
    "\n- \n\u2022 , and the of and in the to the for the with the on the at the "
)
